"""Gamification's routes under /api/v1/ (included by config.api_urls)."""

from django.urls import path

from .api_points import MyPointsApi, MyPointsRedeemApi
from .api_tiers import MyTierApi

urlpatterns: list = [
    path("me/points/", MyPointsApi.as_view(), name="api-me-points"),
    path("me/points/redeem/", MyPointsRedeemApi.as_view(), name="api-me-points-redeem"),
    path("me/tier/", MyTierApi.as_view(), name="api-me-tier"),
]
