"""/api/v1/races/ and /api/v1/challenges/: standings as leaderboards show them, and
challenge entries. Names are leaderboard names; hidden shoppers are "Hidden shopper"."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import NotFound
from config.money import MONEY_FIELD
from wallet.api import ErrorSerializer

from .models import Challenge, ChallengeEntry, Race
from .models.races import METRIC_FIELD
from .selectors_races import race_me, race_prize_rows, race_top
from .services.challenges import challenge_enter, challenge_is_open, challenges_visible


class RaceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Race
        fields = [
            "title",
            "slug",
            "type",
            "status",
            "metric",
            "prize_pool",
            "min_metric",
            "starts_at",
            "ends_at",
        ]


# Races and challenges are public pages; their API reads are public too, as the
# leaderboards' are (`me` and `my_entry_status` are null for an anonymous caller).
class RaceListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = RaceSerializer
    queryset = Race.objects.none()
    filterset_fields = ["status"]
    ordering_fields = ["starts_at", "ends_at"]

    def get_queryset(self):
        return Race.objects.order_by("-starts_at", "-id")


class RacePrizeSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY_FIELD)


class RaceEntrySerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    name = serializers.CharField()
    score = serializers.DecimalField(**METRIC_FIELD)
    prize = serializers.DecimalField(**MONEY_FIELD)


class RaceMeSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True, help_text="Null while below the minimum.")
    score = serializers.DecimalField(source="total", **METRIC_FIELD)
    prize = serializers.DecimalField(**MONEY_FIELD)


class RaceDetailSerializer(RaceSerializer):
    prizes = RacePrizeSerializer(many=True)
    entries = RaceEntrySerializer(many=True, help_text="The top 100.")
    me = RaceMeSerializer(allow_null=True)

    class Meta(RaceSerializer.Meta):
        fields = [*RaceSerializer.Meta.fields, "rules", "description", "prizes", "entries", "me"]


class RaceDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=RaceDetailSerializer, summary="A race's prizes and standings")
    def get(self, request, slug):
        race = Race.objects.filter(slug=slug).first()
        if race is None:
            raise NotFound("not_found", "No such race.")
        race.prizes = race_prize_rows(race)
        race.entries = race_top(race, request.user)
        race.me = race_me(race, request.user)
        return Response(RaceDetailSerializer(race).data)


class ChallengeSerializer(serializers.ModelSerializer):
    open = serializers.SerializerMethodField()
    my_entry_status = serializers.SerializerMethodField()

    class Meta:
        model = Challenge
        fields = [
            "id",
            "title",
            "description",
            "prize_amount",
            "max_winners",
            "winners_count",
            "starts_at",
            "ends_at",
            "status",
            "open",
            "my_entry_status",
        ]

    def get_open(self, challenge) -> bool:
        return challenge_is_open(challenge)

    def get_my_entry_status(self, challenge) -> str | None:
        return self.context["mine"].get(challenge.pk)


class ChallengeListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = ChallengeSerializer
    queryset = Challenge.objects.none()
    filterset_fields = ["status"]

    def get_queryset(self):
        return challenges_visible().order_by("-starts_at", "-id")

    def get_serializer_context(self):
        user = self.request.user
        mine = (
            dict(ChallengeEntry.objects.filter(user=user).values_list("challenge_id", "status"))
            if user.is_authenticated
            else {}
        )
        return {**super().get_serializer_context(), "mine": mine}


class ChallengeEntryRequestSerializer(serializers.Serializer):
    proof_url = serializers.CharField(max_length=2000)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ChallengeEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = ChallengeEntry
        fields = ["id", "challenge", "proof_url", "note", "status", "reason", "created_at"]


class ChallengeEntryApi(APIView):
    @extend_schema(
        request=ChallengeEntryRequestSerializer,
        responses={
            201: ChallengeEntrySerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
        summary="Enter a challenge with a proof link",
    )
    def post(self, request, pk):
        payload = ChallengeEntryRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        entry = challenge_enter(challenge_id=pk, user=request.user, **payload.validated_data)
        return Response(ChallengeEntrySerializer(entry).data, status=status.HTTP_201_CREATED)
