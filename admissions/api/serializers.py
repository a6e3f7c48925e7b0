from django.conf import settings
from rest_framework import serializers

from ..constants import Gender, LateEntryReason, Relationship, ResidenceType
from ..models import Application, ApplicationStatusChange, Offer


class ApplicationInputSerializer(serializers.Serializer):
    school_year = serializers.IntegerField(required=False, help_text="Defaults to the open round.")
    child_full_name = serializers.CharField(max_length=200)
    child_dob = serializers.DateField()
    child_gender = serializers.ChoiceField(choices=Gender.choices)
    child_personal_id = serializers.CharField(max_length=20)
    late_entry_reason = serializers.ChoiceField(
        choices=LateEntryReason.choices, required=False, allow_blank=True, default=""
    )
    guardian_full_name = serializers.CharField(max_length=200)
    guardian_personal_id = serializers.CharField(max_length=20)
    guardian_phone = serializers.CharField(max_length=20)
    guardian_relationship = serializers.ChoiceField(choices=Relationship.choices)
    address_text = serializers.CharField(max_length=500)
    ward_code = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    lat = serializers.FloatField(help_text="WGS 84 latitude of the residence pin")
    lon = serializers.FloatField(help_text="WGS 84 longitude of the residence pin")
    residence_type = serializers.ChoiceField(choices=ResidenceType.choices)
    priority_category = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default=""
    )
    choices = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=1,
        max_length=settings.ADMISSIONS_MAX_CHOICES,
        help_text="School ids, best first",
    )
    consent = serializers.BooleanField(required=False, default=False)
    submit = serializers.BooleanField(required=False, default=False)


class ApplicationSubmitInputSerializer(serializers.Serializer):
    consent = serializers.BooleanField()


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
    ward_code = serializers.CharField(source="ward.code")
    ward_name = serializers.CharField(source="ward.name")
    lat = serializers.SerializerMethodField()
    lon = serializers.SerializerMethodField()
    choices = ApplicationChoiceOutputSerializer(source="ranked_choices", many=True)
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
            "ward_code",
            "ward_name",
            "ward_mismatch",
            "lat",
            "lon",
            "choices",
            "last_note",
            "submitted_at",
            "history",
        ]

    def get_lat(self, obj) -> float:
        return obj.residence_point.y

    def get_lon(self, obj) -> float:
        return obj.residence_point.x


class ApplicationListOutputSerializer(serializers.ModelSerializer):
    school_year = serializers.IntegerField(source="round.school_year")

    class Meta:
        model = Application
        fields = ["uuid", "tracking_code", "status", "school_year", "child_full_name"]
