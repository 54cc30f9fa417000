from rest_framework import generics, serializers

from offers.models.terms import CashbackType

from .models import Click


class ClickSerializer(serializers.ModelSerializer):
    merchant = serializers.CharField(source="merchant.name")
    merchant_slug = serializers.CharField(source="merchant.slug")
    cashback_type = serializers.ChoiceField(choices=CashbackType.choices, read_only=True)

    class Meta:
        model = Click
        fields = [
            "click_id",
            "merchant",
            "merchant_slug",
            "offer",
            "cashback_type",
            "cashback_value",
            "cashback_max",
            "device_type",
            "created_at",
        ]


class MyClicksApi(generics.ListAPIView):
    """The caller's click-outs, newest first."""

    serializer_class = ClickSerializer
    queryset = Click.objects.none()
    filterset_fields = ["merchant__slug"]

    def get_queryset(self):
        return (
            Click.objects.filter(user=self.request.user)
            .select_related("merchant")
            .order_by("-created_at", "-id")
        )
