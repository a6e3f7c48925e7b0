from rest_framework import serializers

from portal.api.strict import StrictJsonInputMixin

from ..constants import DossierStatus, ServiceLevel
from ..models import Dossier, DossierAttachment, DossierStatusChange, ProcedureVersion


class LocalisedTextSerializer(serializers.Serializer):
    vi = serializers.CharField()
    en = serializers.CharField()


class RequiredDocumentOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    vi = serializers.CharField()
    en = serializers.CharField()
    required = serializers.BooleanField()


class ProcedureListOutputSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="procedure.code")
    version = serializers.IntegerField(source="number")
    fee_vnd = serializers.IntegerField(help_text="Fee in Vietnamese đồng (0: no fee).")
    deadline_working_days = serializers.IntegerField()
    level = serializers.ChoiceField(choices=ServiceLevel.choices)

    class Meta:
        model = ProcedureVersion
        fields = ["code", "version", "name_vi", "name_en", "fee_vnd", "deadline_working_days",
                  "level"]  # fmt: skip


class ProcedureDetailOutputSerializer(ProcedureListOutputSerializer):
    steps = LocalisedTextSerializer(many=True)
    required_documents = RequiredDocumentOutputSerializer(many=True)
    form_schema = serializers.JSONField(help_text="JSON Schema (draft 2020-12) of the form.")
    deadline_rules = serializers.JSONField()

    class Meta(ProcedureListOutputSerializer.Meta):
        fields = [*ProcedureListOutputSerializer.Meta.fields, "summary_vi", "summary_en",
                  "legal_basis", "steps", "required_documents", "form_schema", "fee_note_vi",
                  "fee_note_en", "deadline_rules", "partial_reason"]  # fmt: skip


class DossierCreateInputSerializer(StrictJsonInputMixin, serializers.Serializer):
    procedure = serializers.CharField(help_text="Procedure code, e.g. 1.005099.")
    form_data = serializers.DictField(help_text="Answers to the procedure's form schema.")
    contact_phone = serializers.CharField(max_length=20)


class DossierUpdateInputSerializer(StrictJsonInputMixin, serializers.Serializer):
    form_data = serializers.DictField()
    contact_phone = serializers.CharField(max_length=20, required=False)


class DossierHistoryOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = DossierStatusChange
        fields = ["from_status", "to_status", "actor_role", "note", "created_at"]


class DossierAttachmentOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = DossierAttachment
        fields = ["uuid", "document_code", "original_name", "content_type", "size", "sha256",
                  "created_at"]  # fmt: skip


class DossierAttachmentAddInputSerializer(serializers.Serializer):
    document_code = serializers.CharField(max_length=40)
    file = serializers.FileField()


class DossierListOutputSerializer(serializers.ModelSerializer):
    procedure = serializers.CharField(source="procedure_version.procedure.code")
    procedure_version = serializers.IntegerField(source="procedure_version.number")
    status = serializers.ChoiceField(choices=DossierStatus.choices)
    fee_vnd = serializers.IntegerField()

    class Meta:
        model = Dossier
        fields = ["uuid", "code", "procedure", "procedure_version", "status", "fee_vnd",
                  "submitted_at", "due_date"]  # fmt: skip


class DossierDetailOutputSerializer(DossierListOutputSerializer):
    history = DossierHistoryOutputSerializer(many=True)
    attachments = DossierAttachmentOutputSerializer(many=True)
    form_data = serializers.JSONField()
    paid = serializers.SerializerMethodField()
    result_available = serializers.SerializerMethodField()

    class Meta(DossierListOutputSerializer.Meta):
        fields = [*DossierListOutputSerializer.Meta.fields, "form_data", "contact_phone",
                  "received_at", "paid", "last_note", "result_available", "history",
                  "attachments"]  # fmt: skip

    def get_paid(self, dossier) -> bool:
        return dossier.paid_at is not None

    def get_result_available(self, dossier) -> bool:
        return bool(dossier.result_file)


class DossierPaymentOutputSerializer(serializers.Serializer):
    payment = serializers.UUIDField(source="uuid")
    status = serializers.CharField()
    amount_vnd = serializers.IntegerField(source="amount")
    payment_page = serializers.CharField(help_text="The payer's page: VNPay button and VietQR.")
    checkout = serializers.CharField(help_text="POST here to get the gateway URL and VietQR.")
