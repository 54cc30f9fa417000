"""Everything under /api/v1/. Each app contributes its routes here."""

from django.urls import path

from accounts.api import MeApi, MyReferralsApi

urlpatterns = [
    path("me/", MeApi.as_view(), name="api-me"),
    path("me/referrals/", MyReferralsApi.as_view(), name="api-me-referrals"),
]
