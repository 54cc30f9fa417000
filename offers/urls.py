from django.urls import path

from . import views

app_name = "offers"

urlpatterns = [
    path("stores/", views.stores, name="stores"),
    path("store/<slug:slug>/", views.merchant, name="merchant"),
    path("category/<slug:slug>/", views.category, name="category"),
    path("offer/<int:offer_id>/", views.offer, name="offer"),
    path("search/", views.search, name="search"),
]
