"""Output of GET /api/v1/kpi/ (uniquely named serializers, read from the report dataclasses)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..figures import GOAL_FULL_PROCESS, GOAL_ONLINE, GOAL_SATISFIED

MONTH_PATTERN = r"^(\d{4}-(0[1-9]|1[0-2]))?$"


class KpiQueryInputSerializer(serializers.Serializer):
    from_month = serializers.RegexField(
        MONTH_PATTERN,
        required=False,
        allow_blank=True,
        help_text="First month, YYYY-MM (default: 11 months ago)",
    )
    to_month = serializers.RegexField(
        MONTH_PATTERN,
        required=False,
        allow_blank=True,
        help_text="Last month, YYYY-MM (default: this month)",
    )


class KpiRatioOutputSerializer(serializers.Serializer):
    part = serializers.IntegerField()
    whole = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text="per cent; null when whole is 0")
    goal = serializers.FloatField(allow_null=True, help_text="per cent")
    goal_met = serializers.BooleanField(allow_null=True)


class KpiRatingCountOutputSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    count = serializers.IntegerField()


class KpiSatisfactionOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    distribution = serializers.SerializerMethodField()

    @extend_schema_field(KpiRatingCountOutputSerializer(many=True))
    def get_distribution(self, summary):
        return [{"rating": level, "count": n} for level, n in summary.distribution.items()]


class KpiBreakdownOutputSerializer(serializers.Serializer):
    key = serializers.CharField(help_text='"total", a month "YYYY-MM" or a procedure code')
    label = serializers.CharField()
    online = KpiRatioOutputSerializer(help_text="dossiers submitted online / all submitted")
    on_time = KpiRatioOutputSerializer(help_text="decided by the due date / all decided")
    satisfied = KpiRatioOutputSerializer(help_text="ratings 4–5 / all ratings")
    satisfaction = KpiSatisfactionOutputSerializer()
    ratings_hidden = serializers.BooleanField(
        help_text="too few ratings to show for this row (the total still counts them)"
    )
    cashless = KpiRatioOutputSerializer(help_text="fees settled cashless / all fees settled")
    cashless_amount_vnd = serializers.IntegerField(source="cashless_amount")
    settled_amount_vnd = serializers.IntegerField(source="settled_amount")


class KpiProcedureOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    partial_reason = serializers.CharField()


class KpiCatalogueOutputSerializer(serializers.Serializer):
    offered = serializers.IntegerField()
    full_process = KpiRatioOutputSerializer(help_text="of every offered procedure")
    eligible_full_process = KpiRatioOutputSerializer(
        help_text="of the procedures the law allows at full process (goal 100 %)"
    )
    not_eligible = KpiProcedureOutputSerializer(many=True)


class KpiAdmissionOutputSerializer(serializers.Serializer):
    round_name = serializers.CharField()
    is_demo = serializers.BooleanField()
    applications_online = serializers.IntegerField()
    verified = serializers.IntegerField()
    placed = serializers.IntegerField(allow_null=True)
    placed_first_choice = serializers.IntegerField(allow_null=True)
    median_distance_m = serializers.FloatField(allow_null=True)


class KpiGoalsOutputSerializer(serializers.Serializer):
    full_process = serializers.FloatField(default=GOAL_FULL_PROCESS)
    online = serializers.FloatField(default=GOAL_ONLINE)
    satisfied = serializers.FloatField(default=GOAL_SATISFIED)


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-01"})
class MonthOutputField(serializers.DateField):
    """A month as "YYYY-MM" (documented as such, not as a full date)."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


class KpiReportOutputSerializer(serializers.Serializer):
    from_month = MonthOutputField(source="first_month")
    to_month = MonthOutputField(source="last_month")
    goals = serializers.SerializerMethodField()
    catalogue = KpiCatalogueOutputSerializer()
    total = KpiBreakdownOutputSerializer()
    by_month = KpiBreakdownOutputSerializer(many=True)
    by_procedure = KpiBreakdownOutputSerializer(many=True)
    admission = KpiAdmissionOutputSerializer(allow_null=True)

    @extend_schema_field(KpiGoalsOutputSerializer)
    def get_goals(self, report):
        return {
            "full_process": GOAL_FULL_PROCESS,
            "online": GOAL_ONLINE,
            "satisfied": GOAL_SATISFIED,
        }
