"""/api/v1/leaderboards/: public standings; `me` is the signed-in caller's own place."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.money import MONEY_FIELD
from wallet.api import ErrorSerializer

from .models import Leaderboard
from .services.leaderboard_periods import current_period
from .services.leaderboard_standings import PERIODS, leaderboard_standings


class PrizeSerializer(serializers.Serializer):
    ranks = serializers.CharField(help_text='"1" or a range such as "2-3".')
    amount = serializers.CharField()


class LeaderboardSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    type = serializers.ChoiceField(choices=Leaderboard.Type.choices)
    frequency = serializers.ChoiceField(choices=Leaderboard.Frequency.choices)
    period_start = serializers.DateField()
    period_end = serializers.DateField(allow_null=True, help_text="The period's last day.")
    prize_pool = serializers.DecimalField(**MONEY_FIELD)


class EntrySerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    name = serializers.CharField()
    score = serializers.CharField()
    prize = serializers.DecimalField(**MONEY_FIELD)


class MeSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    score = serializers.CharField()


class StandingsSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=Leaderboard.Type.choices)
    frequency = serializers.ChoiceField(choices=Leaderboard.Frequency.choices)
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True, help_text="The period's last day.")
    prizes = PrizeSerializer(many=True)
    entries = EntrySerializer(many=True)
    me = MeSerializer(allow_null=True)


class LeaderboardListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=LeaderboardSerializer(many=True), summary="Running leaderboards")
    def get(self, request):
        now = timezone.now()
        rows = []
        for board in Leaderboard.objects.filter(is_active=True).order_by("name"):
            period = current_period(board, now)
            rows.append(
                {
                    "name": board.name,
                    "slug": board.slug,
                    "type": board.type,
                    "frequency": board.frequency,
                    "period_start": period.start,
                    "period_end": period.last_day,
                    "prize_pool": board.prize_pool,
                }
            )
        return Response(LeaderboardSerializer(rows, many=True).data)


class LeaderboardDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("period", enum=list(PERIODS), default="current")],
        responses={200: StandingsSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
        summary="A leaderboard's top 100 and the caller's place",
    )
    def get(self, request, slug):
        board = get_object_or_404(Leaderboard, slug=slug, is_active=True)
        standings = leaderboard_standings(
            board=board, which=request.query_params.get("period", "current"), viewer=request.user
        )
        period = standings.period
        me = standings.me
        return Response(
            StandingsSerializer(
                {
                    "name": board.name,
                    "type": board.type,
                    "frequency": board.frequency,
                    "period_start": period.start if period else None,
                    "period_end": period.last_day if period else None,
                    "prizes": [] if board.type == Leaderboard.Type.RACE else board.prize_table,
                    "entries": [vars(e) for e in standings.entries],
                    "me": {"rank": me.rank, "score": me.score} if me else None,
                }
            ).data
        )
