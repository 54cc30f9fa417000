"""/api/v1/me/tickets/…: the caller's own support tickets. JSON only (attachments are
added through the support pages, which take multipart forms); internal notes never
leave the staff side. Another shopper's ticket id is "not found"."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import NotFound
from wallet.api import ErrorSerializer

from .access import tickets_visible_to
from .models import Ticket, TicketAttachment, TicketMessage
from .services.tickets import PLAIN_STATUS, ticket_open_by_requester, ticket_reply_requester


class TicketSerializer(serializers.ModelSerializer):
    status_text = serializers.SerializerMethodField(help_text="The status in plain words.")

    class Meta:
        model = Ticket
        fields = [
            "id",
            "number",
            "subject",
            "category",
            "priority",
            "status",
            "status_text",
            "created_at",
            "updated_at",
        ]

    def get_status_text(self, ticket) -> str:
        return PLAIN_STATUS[ticket.status]


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField(help_text="Download (the requester's session).")

    class Meta:
        model = TicketAttachment
        fields = ["id", "name", "content_type", "size", "url"]

    def get_url(self, attachment) -> str:
        return reverse("support:attachment", args=[attachment.pk])


class MessageSerializer(serializers.ModelSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = TicketMessage
        fields = ["id", "body", "from_staff", "created_at", "attachments"]


class TicketDetailSerializer(TicketSerializer):
    messages = MessageSerializer(
        many=True, source="public_messages", help_text="Oldest first; never internal notes."
    )

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "messages"]


class TicketCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=Ticket.Category.choices)
    message = serializers.CharField(max_length=10000)
    priority = serializers.ChoiceField(choices=Ticket.Priority.choices, required=False)


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10000)


def _public_thread(ticket: Ticket) -> Ticket:
    ticket.public_messages = list(
        TicketMessage.objects.filter(ticket=ticket, is_internal=False)
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
    return ticket


def _my_ticket(request, pk) -> Ticket:
    # The one check (support.access): a shopper's scope is their own tickets.
    ticket = tickets_visible_to(request.user).filter(requester=request.user, pk=pk).first()
    if ticket is None:
        raise NotFound("not_found", "No such ticket.")
    return ticket


class MyTicketsApi(generics.ListAPIView):
    serializer_class = TicketSerializer
    queryset = Ticket.objects.none()
    filterset_fields = ["status"]

    def get_queryset(self):
        return (
            tickets_visible_to(self.request.user)
            .filter(requester=self.request.user)
            .order_by("-updated_at", "-id")
        )

    @extend_schema(
        request=TicketCreateSerializer,
        responses={201: TicketDetailSerializer, 400: ErrorSerializer, 429: ErrorSerializer},
        summary="Open a support ticket",
    )
    def post(self, request):
        payload = TicketCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ticket = ticket_open_by_requester(requester=request.user, **payload.validated_data)
        body = TicketDetailSerializer(_public_thread(ticket)).data
        return Response(body, status=status.HTTP_201_CREATED)


class MyTicketApi(APIView):
    @extend_schema(
        responses={200: TicketDetailSerializer, 404: ErrorSerializer},
        summary="One of the caller's tickets, with its messages",
    )
    def get(self, request, pk):
        return Response(TicketDetailSerializer(_public_thread(_my_ticket(request, pk))).data)


class MyTicketMessagesApi(APIView):
    @extend_schema(
        request=MessageCreateSerializer,
        responses={
            201: MessageSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
            429: ErrorSerializer,
        },
        summary="Reply on one of the caller's tickets",
    )
    def post(self, request, pk):
        ticket = _my_ticket(request, pk)
        payload = MessageCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        message = ticket_reply_requester(
            ticket=ticket, author=request.user, body=payload.validated_data["body"]
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
