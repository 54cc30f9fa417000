"""/api/v1/me/claims/: missing-cashback claims."""

from django.urls import path

from .api_claims import MyClaimApi, MyClaimsApi

urlpatterns = [
    path("me/claims/", MyClaimsApi.as_view(), name="api-me-claims"),
    path("me/claims/<int:pk>/", MyClaimApi.as_view(), name="api-me-claim"),
]
