"""/api/v1/me/…: the caller's own account. Every queryset is scoped to request.user."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Referral, User
from .selectors import referrals_of
from .services import user_update
from .services.users import validate_public_name


class MeOutputSerializer(serializers.ModelSerializer):
    email_verified = serializers.BooleanField(read_only=True)
    avatar = serializers.ImageField(read_only=True, allow_null=True)  # null: none uploaded

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "phone",
            "avatar",
            "status",
            "email_verified",
            "referral_code",
            "date_joined",
            "time_zone",
            "public_name",
            "leaderboard_hidden",
        ]
        read_only_fields = fields


class MeUpdateSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    # An IANA zone name ("Europe/Berlin") or "" for the site's; checked by the model.
    time_zone = serializers.CharField(max_length=64, required=False, allow_blank=True)
    public_name = serializers.CharField(
        max_length=40, required=False, allow_blank=True, validators=[validate_public_name]
    )
    leaderboard_hidden = serializers.BooleanField(required=False)


class MeApi(APIView):
    @extend_schema(responses=MeOutputSerializer, summary="The caller's profile")
    def get(self, request):
        return Response(MeOutputSerializer(request.user, context={"request": request}).data)

    @extend_schema(
        request=MeUpdateSerializer, responses=MeOutputSerializer, summary="Change your profile"
    )
    def patch(self, request):
        payload = MeUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        user = user_update(
            user=request.user, actor=request.user, data=payload.validated_data, request=request
        )
        return Response(MeOutputSerializer(user, context={"request": request}).data)


def _masked_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


class ReferralSerializer(serializers.ModelSerializer):
    friend = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = ["id", "friend", "status", "total_earned", "created_at", "activated_at"]

    def get_friend(self, referral) -> str:
        # A referrer sees who joined, not their full address.
        return referral.referred.first_name or _masked_email(referral.referred.email)


class MyReferralsApi(generics.ListAPIView):
    """The friends who joined with the caller's referral code."""

    serializer_class = ReferralSerializer
    queryset = Referral.objects.none()  # for the schema; get_queryset scopes to the caller
    ordering_fields = ["created_at", "total_earned"]
    filterset_fields = ["status"]

    def get_queryset(self):
        return referrals_of(user=self.request.user).order_by("-created_at", "-id")
