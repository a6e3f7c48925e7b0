"""The round maps' API: the committee's map of households (staff of the round's committee only)
and the public demand aggregate (hexagons of at least 10 children, nothing finer).

GeoJSON out (RFC 7946: [lon, lat] in WGS 84); problem+json on errors (docs/adr/0022)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import is_staff_with

from .. import selectors_map as selectors
from ..constants import ApplicationStatus
from ..map_grid import MAX_ZOOM, MIN_ZOOM, BBox

PROBLEM = OpenApiResponse(OpenApiTypes.OBJECT, description="application/problem+json")
GEOJSON = OpenApiResponse(OpenApiTypes.OBJECT, description="GeoJSON FeatureCollection")


class IsRoundCommitteeStaff(permissions.BasePermission):
    """The staff rule with the committee permission; the round's own committee is checked by
    `round_get_for_committee` once the round is known."""

    def has_permission(self, request, view) -> bool:
        return is_staff_with(request.user, selectors.COMMITTEE_PERMISSION)


class RoundMapFilterInputSerializer(serializers.Serializer):
    run = serializers.UUIDField(
        required=False, help_text="Run whose placements are drawn; default the published run, "
        "else the newest finished run."
    )  # fmt: skip
    status = serializers.MultipleChoiceField(
        choices=ApplicationStatus.choices, required=False, help_text="Only these statuses."
    )
    school = serializers.IntegerField(
        required=False, min_value=1,
        help_text="School id: placed there when a run is drawn, first choice before any run.",
    )  # fmt: skip
    ward = serializers.IntegerField(required=False, min_value=1, help_text="Ward id (of the pin)")
    placement = serializers.ChoiceField(
        choices=[("placed", "placed"), ("unplaced", "unplaced")], required=False,
        help_text="Only children the drawn run placed, or only those it could not place.",
    )  # fmt: skip

    def to_internal_value(self, data):
        # `status` may come as one comma-separated value or as repeated parameters.
        if hasattr(data, "getlist"):
            values = [v for raw in data.getlist("status") for v in raw.split(",") if v]
            data = {k: data.get(k) for k in data}
            if values:
                data["status"] = values
        return super().to_internal_value(data)


def _bbox(value: str) -> BBox:
    try:
        return BBox.parse(value)
    except ValueError:
        raise serializers.ValidationError(
            _("Expected four numbers west,south,east,north (degrees), west < east, south < north.")
        ) from None


class RoundMapClusterInputSerializer(RoundMapFilterInputSerializer):
    z = serializers.IntegerField(min_value=MIN_ZOOM, max_value=MAX_ZOOM, help_text="Map zoom")
    bbox = serializers.CharField(help_text="west,south,east,north in degrees (WGS 84)")
    mode = serializers.ChoiceField(
        choices=[(m, m) for m in selectors.COLOUR_MODES], required=False, default="status",
        help_text="Colour key: the status, or the school the drawn run placed the child at.",
    )  # fmt: skip
    extent = serializers.BooleanField(
        required=False, default=False,
        help_text="Also return `extent`: [west, south, east, north] of every residence the "
        "filters keep (whatever the box), to fit the map.",
    )  # fmt: skip

    def validate_bbox(self, value):
        return _bbox(value)


class RoundMapLinesInputSerializer(RoundMapFilterInputSerializer):
    bbox = serializers.CharField(help_text="west,south,east,north in degrees (WGS 84)")

    def validate_bbox(self, value):
        return _bbox(value)


class RoundMapFarthestInputSerializer(RoundMapFilterInputSerializer):
    per_school = serializers.IntegerField(required=False, default=3, min_value=1, max_value=20)


class DemandInputSerializer(serializers.Serializer):
    school_year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text="Default: the newest round."
    )


def _parse(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _filters(params: dict) -> selectors.MapFilters:
    return selectors.MapFilters(
        statuses=tuple(sorted(params.get("status") or ())),
        school_id=params.get("school"),
        ward_id=params.get("ward"),
        placement=params.get("placement", ""),
    )


class RoundMapApi(APIView):
    permission_classes = [IsRoundCommitteeStaff]

    def round_and_run(self, params: dict):
        admission_round = selectors.round_get_for_committee(
            school_year=self.kwargs["school_year"], user=self.request.user
        )
        run = selectors.run_get_drawable(admission_round=admission_round, uuid=params.get("run"))
        return admission_round, run


def _run_info(run) -> dict | None:
    if run is None:
        return None
    return {"uuid": str(run.uuid), "status": run.status, "stage": run.stage}


def _point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}


class RoundMapClustersApi(RoundMapApi):
    @extend_schema(
        parameters=[RoundMapClusterInputSerializer],
        responses={200: GEOJSON, 400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM},
        summary="Committee: applicants' residences clustered on the zoom's grid (staff of the "
        "round's committee only)",
        description="Each feature is one grid cell: `count` children at their mean position, "
        "`counts` per colour key (status, or placed school id / `unplaced` / `none`) and, for "
        "cells of at most 10 children from zoom 15 on, `members` (uuid, tracking code, key).",
    )
    def get(self, request, school_year: int):
        params = _parse(RoundMapClusterInputSerializer, request)
        admission_round, run = self.round_and_run(params)
        clusters = selectors.map_clusters(
            admission_round=admission_round,
            run=run,
            zoom=params["z"],
            bbox=params["bbox"],
            filters=_filters(params),
            mode=params["mode"],
        )
        features = [
            {
                "type": "Feature",
                "geometry": _point(c.lon, c.lat),
                "properties": {"count": c.count, "counts": c.counts, "members": c.members},
            }
            for c in clusters
        ]
        extent = None
        if params["extent"]:
            extent = selectors.map_extent(
                admission_round=admission_round, run=run, filters=_filters(params)
            )
        return Response(
            {
                "type": "FeatureCollection",
                "features": features,
                "extent": extent,
                "total": sum(c.count for c in clusters),
                "zoom": params["z"],
                "mode": params["mode"],
                "run": _run_info(run),
            }
        )


def _line_feature(line) -> dict:
    return {
        "type": "Feature",
        "geometry": {
            "type": "LineString",
            "coordinates": [
                [round(line.home[0], 6), round(line.home[1], 6)],
                [round(line.school[0], 6), round(line.school[1], 6)],
            ],
        },
        "properties": {
            "uuid": line.uuid,
            "code": line.code,
            "school_id": line.school_id,
            "school_name": line.school_name,
            "distance_m": round(line.distance_m, 1),
        },
    }


def _line_collection(lines, *, run, **extra) -> Response:
    """The lines and farthest views' answer: one home-to-school line per placement of `run`
    (no lines before any run), the view's `extra` keys, and the run drawn."""
    return Response(
        {
            "type": "FeatureCollection",
            "features": [_line_feature(line) for line in lines],
            **extra,
            "run": _run_info(run),
        }
    )


class RoundMapLinesApi(RoundMapApi):
    @extend_schema(
        parameters=[RoundMapLinesInputSerializer],
        responses={200: GEOJSON, 400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM},
        summary="Committee: each placed child in the box with a line from home to the school",
        description="At most 5,000 lines (`truncated` says when more matched). Empty before "
        "any run.",
    )
    def get(self, request, school_year: int):
        params = _parse(RoundMapLinesInputSerializer, request)
        admission_round, run = self.round_and_run(params)
        lines, truncated = ([], False)
        if run is not None:
            lines, truncated = selectors.map_placement_lines(
                admission_round=admission_round,
                run=run,
                bbox=params["bbox"],
                filters=_filters(params),
            )
        return _line_collection(lines, run=run, truncated=truncated)


class RoundMapFarthestApi(RoundMapApi):
    @extend_schema(
        parameters=[RoundMapFarthestInputSerializer],
        responses={200: GEOJSON, 400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM},
        summary="Committee: per school, the placements farthest from the school",
    )
    def get(self, request, school_year: int):
        params = _parse(RoundMapFarthestInputSerializer, request)
        admission_round, run = self.round_and_run(params)
        lines = []
        if run is not None:
            lines = selectors.map_farthest_placements(
                admission_round=admission_round,
                run=run,
                per_school=params["per_school"],
                filters=_filters(params),
            )
        return _line_collection(lines, run=run)


class RoundMapCatchmentsApi(RoundMapApi):
    @extend_schema(
        responses={200: GEOJSON, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM},
        summary="Committee: catchments with their demand (applicants living inside) and seats",
    )
    def get(self, request, school_year: int):
        admission_round = selectors.round_get_for_committee(
            school_year=school_year, user=request.user
        )
        rows = selectors.catchment_demand(admission_round=admission_round)
        return Response(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "id": r.school_code,
                        "geometry": r.geojson,
                        "properties": {
                            "school_id": r.school_id,
                            "school_code": r.school_code,
                            "school_name": r.school_name,
                            "demand": r.demand,
                            "seats": r.seats,
                        },
                    }
                    for r in rows
                ],
            }
        )


class DemandHexagonsApi(APIView):
    """Public on purpose: only counts per fixed hexagon of at least 10 children, no filter that
    could be differenced, no position finer than the grid (docs/adr/0022)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(
        parameters=[DemandInputSerializer],
        responses={200: GEOJSON, 400: PROBLEM},
        summary="Grade-1 demand per hexagon (500 m edge): cells with fewer than 10 children are "
        "left out",
    )
    def get(self, request):
        params = _parse(DemandInputSerializer, request)
        admission_round = selectors.round_for_public_demand(school_year=params.get("school_year"))
        cells = (
            selectors.demand_hexagons(admission_round=admission_round) if admission_round else []
        )
        return Response(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "geometry": c.geojson, "properties": {"children": c.count}}
                    for c in cells
                ],
                "school_year": admission_round.school_year if admission_round else None,
                "min_children": selectors.DEMAND_MIN_CHILDREN,
                "hexagon_edge_m": selectors.DEMAND_HEX_EDGE_M,
            }
        )
