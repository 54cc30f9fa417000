from django.urls import path

from . import views_pages

urlpatterns = [
    path("p/<slug:slug>/", views_pages.page, name="page"),
    path("faq/", views_pages.faq, name="faq"),
]
