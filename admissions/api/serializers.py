from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api.strict import StrictJsonInputMixin

from ..constants import (
    EvidenceKind,
    Gender,
    IntakeStatus,
    LateEntryReason,
    Relationship,
    ResidenceType,
)
from ..models import Application, ApplicationStatusChange, Evidence, Offer


class ApplicationInputSerializer(StrictJsonInputMixin, serializers.Serializer):
    """A draft may be partial: only `child_full_name` is required to save it. Everything is
    checked on submission (`submit: true` here, or the submit endpoint)."""

    school_year = serializers.IntegerField(required=False, help_text="Defaults to the open round.")
    child_full_name = serializers.CharField(max_length=200)
    child_dob = serializers.DateField(required=False, allow_null=True, default=None)
    child_gender = serializers.ChoiceField(
        choices=Gender.choices, required=False, allow_blank=True, default=""
    )
    child_personal_id = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )
    late_entry_reason = serializers.ChoiceField(
        choices=LateEntryReason.choices, required=False, allow_blank=True, default=""
    )
    guardian_full_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    guardian_personal_id = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )
    guardian_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )
    guardian_relationship = serializers.ChoiceField(
        choices=Relationship.choices, required=False, allow_blank=True, default=""
    )
    address_text = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )
    ward_code = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    lat = serializers.FloatField(
        required=False, allow_null=True, default=None, help_text="WGS 84 latitude of the pin"
    )
    lon = serializers.FloatField(
        required=False, allow_null=True, default=None, help_text="WGS 84 longitude of the pin"
    )
    residence_type = serializers.ChoiceField(
        choices=ResidenceType.choices, required=False, allow_blank=True, default=""
    )
    priority_category = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default=""
    )
    priority_school = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text=(
            "School id where a priority category scoped to one school (sibling at the school, "
            "child of its staff) counts; required with such a category, refused otherwise"
        ),
    )
    choices = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        max_length=settings.ADMISSIONS_MAX_CHOICES,
        help_text="School ids, best first",
    )
    consent = serializers.BooleanField(required=False, default=False)
    submit = serializers.BooleanField(required=False, default=False)


class IntakeInputSerializer(ApplicationInputSerializer):
    """A complete application for the intake queue: the same fields as a submission."""

    submit = None


class IntakeOutputSerializer(serializers.Serializer):
    """A receipt: queued, then accepted (with the application and its tracking code) or
    refused (with the reasons, field by field, as in a 400)."""

    # Declared by hand, not from the model: the receipt answers every intake of the opening
    # morning, and a ModelSerializer maps the model's fields again for each instance.
    uuid = serializers.UUIDField(read_only=True)
    status = serializers.ChoiceField(
        choices=IntakeStatus.choices, read_only=True, label=capfirst(_("status"))
    )
    received_at = serializers.DateTimeField(read_only=True, label=capfirst(_("received at")))
    processed_at = serializers.DateTimeField(
        read_only=True, allow_null=True, label=capfirst(_("processed at"))
    )
    application = serializers.UUIDField(source="application.uuid", allow_null=True, default=None)
    tracking_code = serializers.CharField(
        source="application.tracking_code", allow_null=True, default=None
    )
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


@extend_schema_field({"type": "boolean", "enum": [True]})
class ConsentField(serializers.BooleanField):
    """Documented as `true` only: submitting without consent is refused (400)."""


class ApplicationSubmitInputSerializer(StrictJsonInputMixin, serializers.Serializer):
    consent = ConsentField()


class ApplicationHistoryOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationStatusChange
        fields = ["from_status", "to_status", "actor_role", "note", "created_at"]


class ApplicationChoiceOutputSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    school_id = serializers.IntegerField()
    school_name = serializers.CharField(source="school.name")


class OfferOutputSerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name")

    class Meta:
        model = Offer
        fields = ["uuid", "status", "school_id", "school_name", "deadline", "reminders_sent"]


class ApplicationDetailOutputSerializer(serializers.ModelSerializer):
    school_year = serializers.IntegerField(source="round.school_year")
    ward_code = serializers.CharField(source="ward.code", allow_null=True)
    ward_name = serializers.CharField(source="ward.name", allow_null=True)
    lat = serializers.SerializerMethodField()
    lon = serializers.SerializerMethodField()
    choices = ApplicationChoiceOutputSerializer(source="ranked_choices", many=True)
    priority_category = serializers.CharField(
        source="priority_category.code", allow_null=True, default=None
    )
    priority_school = serializers.IntegerField(source="priority_school_id", allow_null=True)
    priority_school_name = serializers.CharField(
        source="priority_school.name", allow_null=True, default=None
    )
    history = ApplicationHistoryOutputSerializer(many=True)

    class Meta:
        model = Application
        fields = [
            "uuid",
            "tracking_code",
            "status",
            "school_year",
            "child_full_name",
            "child_dob",
            "child_gender",
            "late_entry_reason",
            "ward_code",
            "ward_name",
            "ward_mismatch",
            "lat",
            "lon",
            "choices",
            "priority_category",
            "priority_school",
            "priority_school_name",
            "last_note",
            "submitted_at",
            "history",
        ]

    def get_lat(self, obj) -> float | None:
        return obj.residence_point.y if obj.residence_point else None

    def get_lon(self, obj) -> float | None:
        return obj.residence_point.x if obj.residence_point else None


class ApplicationListOutputSerializer(serializers.ModelSerializer):
    school_year = serializers.IntegerField(source="round.school_year")

    class Meta:
        model = Application
        fields = ["uuid", "tracking_code", "status", "school_year", "child_full_name"]


class EvidenceAddInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    file = serializers.FileField(
        help_text="PDF, JPEG, PNG or WebP; checked by content, size-limited"
    )


class EvidenceOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["uuid", "kind", "original_name", "content_type", "size", "sha256", "created_at"]
        read_only_fields = fields
