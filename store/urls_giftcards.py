from django.urls import path

from . import views_giftcards

urlpatterns = [
    path("gift-cards/redeem/", views_giftcards.gift_card_redeem_page, name="redeem"),
]
