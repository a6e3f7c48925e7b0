from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..periods import report_period
from .serializers import KpiQueryInputSerializer, KpiReportOutputSerializer


class KpiReportApi(APIView):
    """The plan's indicators: public figures, aggregated (no personal data; rows with too few
    satisfaction ratings hide them)."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="kpi_report",
        parameters=[KpiQueryInputSerializer],
        responses={
            200: KpiReportOutputSerializer,
            400: OpenApiResponse(description="problem+json naming from_month or to_month"),
        },
        tags=["kpi"],
    )
    def get(self, request):
        query = KpiQueryInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        first, last = report_period(
            from_month=query.validated_data.get("from_month", ""),
            to_month=query.validated_data.get("to_month", ""),
            today=timezone.localdate(),
        )
        report = selectors.kpi_report_get(first_month=first, last_month=last)
        return Response(KpiReportOutputSerializer(report).data)
