from django.contrib.auth import views as auth_views
from django.urls import path

from .views import account, auth, telegram

app_name = "accounts"

urlpatterns = [
    path("signup/", auth.signup, name="signup"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("verify/resend/", auth.verification_resend, name="verify-resend"),
    path("verify/<str:token>/", auth.verify_email, name="verify-email"),
    path("password/reset/", auth.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password-reset-done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
    path("password/change/", auth.PasswordChangeView.as_view(), name="password-change"),
    path("password/set/", auth.PasswordSetView.as_view(), name="password-set"),
    path("profile/", account.profile, name="profile"),
    path("profile/telegram/link/", telegram.telegram_link_new, name="telegram-link"),
    path("profile/telegram/unlink/", telegram.telegram_unlink_view, name="telegram-unlink"),
    path(
        "profile/telegram/announcements/",
        telegram.telegram_announcements,
        name="telegram-announcements",
    ),
    path("referrals/", account.referrals, name="referrals"),
    path("sessions/", account.sessions, name="sessions"),
    path("sessions/others/logout/", account.sessions_logout_others, name="sessions-logout-others"),
    path("sessions/<int:session_id>/logout/", account.session_logout, name="session-logout"),
    path("kyc/", account.kyc, name="kyc"),
    path("delete/", account.account_delete, name="delete"),
]
