"""/api/v1/me/tickets/…: the caller's support tickets."""

from django.urls import path

from .api_tickets import MyTicketApi, MyTicketMessagesApi, MyTicketsApi

urlpatterns = [
    path("me/tickets/", MyTicketsApi.as_view(), name="api-me-tickets"),
    path("me/tickets/<int:pk>/", MyTicketApi.as_view(), name="api-me-ticket"),
    path(
        "me/tickets/<int:pk>/messages/",
        MyTicketMessagesApi.as_view(),
        name="api-me-ticket-messages",
    ),
]
