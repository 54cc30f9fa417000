from django.urls import path

from . import views_catalog

urlpatterns = [
    path("gift-cards/", views_catalog.product_list, name="products"),
    path("gift-cards/<slug:slug>/", views_catalog.product_detail, name="product"),
]
