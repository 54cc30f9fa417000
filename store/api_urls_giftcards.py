"""/api/v1/me/gift-cards/: SaveBucks gift cards."""

from django.urls import path

from .api_giftcards import MyGiftCardRedeemApi

urlpatterns = [
    path("me/gift-cards/redeem/", MyGiftCardRedeemApi.as_view(), name="api-me-gift-card-redeem"),
]
