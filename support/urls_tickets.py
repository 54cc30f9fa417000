"""The support centre's pages and the attachment download."""

from django.urls import path

from . import views_tickets

urlpatterns = [
    path("support/", views_tickets.centre, name="centre"),
    path("support/new/", views_tickets.ticket_new, name="ticket-new"),
    path("support/tickets/<str:number>/", views_tickets.ticket_detail, name="ticket"),
    path("support/attachments/<int:pk>/", views_tickets.attachment, name="attachment"),
]
