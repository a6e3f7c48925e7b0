from rest_framework import serializers

from portal.api.strict import StrictJsonInputMixin

from ..constants import PaymentStatus
from ..models import Payment
from ..selectors import payment_page_path


class PaymentDetailOutputSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=PaymentStatus.choices)
    amount_vnd = serializers.IntegerField(source="amount")
    refunded_vnd = serializers.IntegerField(source="refunded_amount")
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = [
            "uuid",
            "purpose",
            "purpose_ref",
            "order_code",
            "description",
            "amount_vnd",
            "refunded_vnd",
            "currency",
            "provider",
            "status",
            "channel",
            "settled_at",
            "created_at",
            "page_url",
        ]

    def get_page_url(self, payment: Payment) -> str:
        return payment_page_path(payment)


class PaymentCheckoutInputSerializer(StrictJsonInputMixin, serializers.Serializer):
    provider = serializers.ChoiceField(choices=["vnpay"], default="vnpay")


class PaymentCheckoutOutputSerializer(serializers.Serializer):
    redirect_url = serializers.URLField()
    vietqr_payload = serializers.CharField(allow_null=True)
