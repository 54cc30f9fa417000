"""/api/v1/me/notifications/… and /api/v1/me/notification-preferences/: the caller's own."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import _positive, _query_refused
from config.errors import Refusal
from wallet.api import ErrorSerializer

from .models import Category
from .services.notifications import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    notifications_mark_read,
    notifications_page,
    unread_count,
)
from .services.preferences import preferences_matrix, preferences_update

MAX_IDS = 500


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    category = serializers.ChoiceField(choices=Category.choices)
    title = serializers.CharField()
    body = serializers.CharField()
    url = serializers.CharField(help_text="A path on this site, or empty.")
    read_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class NotificationPageSerializer(serializers.Serializer):
    results = NotificationSerializer(many=True)
    next_before = serializers.IntegerField(
        allow_null=True, help_text="Pass as `before` for the next, older page; null on the last."
    )
    unread_count = serializers.IntegerField()


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=MAX_IDS,
        help_text="The notifications to mark read; omit to mark all. Ids that are not "
        "yours are ignored.",
    )


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread_count = serializers.IntegerField()


class ChannelsSerializer(serializers.Serializer):
    in_app = serializers.BooleanField()
    email = serializers.BooleanField()
    telegram = serializers.BooleanField()


class PartialChannelsSerializer(ChannelsSerializer):
    in_app = serializers.BooleanField(required=False)
    email = serializers.BooleanField(required=False)
    telegram = serializers.BooleanField(required=False)


def _matrix_serializer(name, channels, required):
    fields = {category: channels(required=required) for category in Category.values}
    return type(name, (serializers.Serializer,), fields)


PreferencesSerializer = _matrix_serializer("NotificationPreferences", ChannelsSerializer, True)
PreferencesUpdateSerializer = _matrix_serializer(
    "NotificationPreferencesUpdate", PartialChannelsSerializer, False
)


def _int_param(request, name, *, maximum):
    raw = request.query_params.get(name)
    if raw is None:
        return None
    # (length first: int() of thousands of digits is refused by Python, a 500 otherwise)
    if len(raw) > len(str(maximum)) or not _positive(raw) or int(raw) > maximum:
        raise _query_refused(name, f"{name} is a whole number from 1 to {maximum}.")
    return int(raw)


class MyNotificationsApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("before", int, description="Only notifications older than this id."),
            OpenApiParameter("page_size", int, description=f"1 to {MAX_PAGE_SIZE}."),
        ],
        responses={200: NotificationPageSerializer, 400: ErrorSerializer},
        summary="The caller's notifications, newest first",
    )
    def get(self, request):
        before = _int_param(request, "before", maximum=2**63 - 1)
        size = _int_param(request, "page_size", maximum=MAX_PAGE_SIZE) or PAGE_SIZE
        page = notifications_page(request.user, before=before, size=size)
        body = {
            "results": page.items,
            "next_before": page.older_than,
            "unread_count": unread_count(request.user),
        }
        return Response(NotificationPageSerializer(body).data)


class MyNotificationsReadApi(APIView):
    @extend_schema(
        request=MarkReadSerializer,
        responses={200: MarkedSerializer, 400: ErrorSerializer},
        summary="Mark the caller's notifications read (some, or all)",
    )
    def post(self, request):
        payload = MarkReadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ids = payload.validated_data.get("ids")
        marked, unread = notifications_mark_read(request.user, ids)
        return Response(MarkedSerializer({"marked": marked, "unread_count": unread}).data)


class MyNotificationPreferencesApi(APIView):
    @extend_schema(responses=PreferencesSerializer, summary="The caller's notification settings")
    def get(self, request):
        return Response(preferences_matrix(request.user))

    @extend_schema(
        request=PreferencesUpdateSerializer,
        responses={200: PreferencesSerializer, 400: ErrorSerializer},
        summary="Change notification settings (partial; locked ones cannot be switched off)",
    )
    def put(self, request):
        changes = request.data
        # The service checks names and values; only the shape is this edge's to check.
        if not isinstance(changes, dict) or not all(isinstance(c, dict) for c in changes.values()):
            raise Refusal("invalid", 'Send {"<category>": {"<channel>": true|false}, …}.')
        return Response(preferences_update(request.user, changes))
