"""/api/v1/me/telegram/…: the caller's Telegram link: make a t.me link, see it, opt out
of announcements, unlink."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import TelegramLink
from accounts.services.telegram import (
    telegram_announcements_set,
    telegram_enabled,
    telegram_link_token_create,
    telegram_unlink,
)
from wallet.api import ErrorSerializer


class TelegramLinkUrlSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Open it in Telegram and press Start, once.")
    expires_at = serializers.DateTimeField()


class MyTelegramSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(help_text="Whether this site has a Telegram bot.")
    linked = serializers.BooleanField()
    username = serializers.CharField(allow_blank=True)
    announcements = serializers.BooleanField(help_text="Staff announcements to the chat.")


class MyTelegramInputSerializer(serializers.Serializer):
    announcements = serializers.BooleanField()


def _mine(user) -> dict:
    link = TelegramLink.objects.filter(user=user).first()
    return {
        "enabled": telegram_enabled(),
        "linked": link is not None,
        "username": link.username if link else "",
        "announcements": link.announcements if link else False,
    }


class MyTelegramLinkApi(APIView):
    @extend_schema(
        request=None,
        responses={
            201: TelegramLinkUrlSerializer,
            403: ErrorSerializer,
            409: ErrorSerializer,
            429: ErrorSerializer,
        },
        summary="Make a one-time t.me link that links a Telegram chat (10 minutes)",
        description="409 `telegram_disabled` when the site has no bot configured.",
    )
    def post(self, request):
        url, expires_at = telegram_link_token_create(request.user)
        body = {"url": url, "expires_at": expires_at}
        return Response(TelegramLinkUrlSerializer(body).data, status=status.HTTP_201_CREATED)


class MyTelegramApi(APIView):
    @extend_schema(responses=MyTelegramSerializer, summary="The caller's Telegram link")
    def get(self, request):
        return Response(MyTelegramSerializer(_mine(request.user)).data)

    @extend_schema(
        request=MyTelegramInputSerializer,
        responses={
            200: MyTelegramSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            409: ErrorSerializer,
        },
        summary="Opt in or out of announcements on the linked chat",
    )
    def patch(self, request):
        payload = MyTelegramInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        telegram_announcements_set(
            user=request.user, enabled=payload.validated_data["announcements"]
        )
        return Response(MyTelegramSerializer(_mine(request.user)).data)

    @extend_schema(
        request=None,
        responses={204: None, 403: ErrorSerializer},
        summary="Unlink the caller's Telegram chat (nothing linked: nothing to do)",
    )
    def delete(self, request):
        telegram_unlink(user=request.user, actor=request.user, reason="unlinked by the user")
        return Response(status=status.HTTP_204_NO_CONTENT)
