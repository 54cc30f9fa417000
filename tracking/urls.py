from django.urls import path

from . import views

app_name = "tracking"

urlpatterns = [
    path("out/<int:offer_id>/", views.click_out_offer, name="out-offer"),
    path("out/m/<slug:slug>/", views.click_out_merchant, name="out-merchant"),
    path("activity/", views.activity, name="activity"),
    path("v/<int:offer_id>/", views.offer_view, name="offer-view"),
    path("go/<slug:slug>/", views.go, name="go"),
    # Before the network route, which would take "conversion" for a network's slug.
    path("postback/conversion/", views.conversion_postback, name="conversion-postback"),
    path("postback/<slug:network_slug>/", views.network_postback, name="network-postback"),
]
