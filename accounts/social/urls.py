"""Social login URLs, mounted at /accounts/social/ (config/urls.py).

Only the OAuth login and callback views of our two providers come from allauth (not its
token endpoints, nor any of its account, email or password pages: our own stay the only
login path). The other names below are the ones allauth reverses; each is ours.
"""

from allauth.socialaccount.providers.facebook import views as facebook
from allauth.socialaccount.providers.google import views as google
from django.urls import path

from . import views

# No app_name: allauth reverses these names without a namespace.

urlpatterns = [
    path(
        "google/login/",
        views.provider_view("google", google.oauth2_login),
        name="google_login",
    ),
    path(
        "google/login/callback/",
        views.provider_view("google", google.oauth2_callback),
        name="google_callback",
    ),
    path(
        "facebook/login/",
        views.provider_view("facebook", facebook.oauth2_login),
        name="facebook_login",
    ),
    path(
        "facebook/login/callback/",
        views.provider_view("facebook", facebook.oauth2_callback),
        name="facebook_callback",
    ),
    path("<int:account_id>/unlink/", views.unlink, name="social-unlink"),
    # Names allauth reverses, all answered by our pages.
    path("login/cancelled/", views.login_cancelled, name="socialaccount_login_cancelled"),
    path("login/error/", views.login_error, name="socialaccount_login_error"),
    path("connections/", views.connections, name="socialaccount_connections"),
    path("signup/", views.to_signup, name="socialaccount_signup"),
    path("login/", views.to_login, name="account_login"),
    path("account-signup/", views.to_signup, name="account_signup"),
]
