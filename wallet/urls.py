from django.urls import path

from . import views

app_name = "wallet"

urlpatterns = [
    path("statement/", views.statement, name="statement"),
    path("statement.csv", views.statement_csv, name="statement-csv"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path(
        "withdraw/<int:withdrawal_id>/cancel/",
        views.withdrawal_cancel_view,
        name="withdrawal-cancel",
    ),
]
