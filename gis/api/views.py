"""Public map API: schools, administrative units, catchments, nearest schools. Read-only and
anonymous; nothing here touches household or child data."""

import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from gis import selectors
from gis.constants import DistanceMetric, RoadFallbackReason
from gis.geometry import make_point
from gis.models import AdminVintage
from portal.api.pagination import GeoJsonPages
from portal.core.exceptions import NotFound, OutsideCoveredArea
from portal.core.routers import public_reads

from .serializers import (
    AdminUnitListFilterInputSerializer,
    CatchmentListFilterInputSerializer,
    NearestSchoolsInputSerializer,
    NearestSchoolsOutputSerializer,
    SchoolFeatureOutputSerializer,
    SchoolListFilterInputSerializer,
)

PROBLEM = OpenApiResponse(OpenApiTypes.OBJECT, description="application/problem+json")


class PublicReadApi(APIView):
    """Anonymous reads of public map data: routed to the read replica when one is configured
    (portal/core/routers.py) and cached by gis.mapcache.PublicMapCacheMiddleware."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    def dispatch(self, request, *args, **kwargs):
        with public_reads():
            return super().dispatch(request, *args, **kwargs)


def _parse(serializer_class, request):
    # A plain dict, not the QueryDict: `?bbox=` is then a blank value the serializer refuses
    # (as the schema says), not an absent one. No public map parameter is repeated.
    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class SchoolListApi(PublicReadApi):
    @extend_schema(
        parameters=[SchoolListFilterInputSerializer],
        responses={200: SchoolFeatureOutputSerializer(many=True), 400: PROBLEM},
        summary="Schools as a paginated GeoJSON FeatureCollection",
    )
    def get(self, request):
        filters = _parse(SchoolListFilterInputSerializer, request)
        schools = selectors.school_list(
            ward_code=filters.get("ward"),
            level=filters.get("level"),
            bbox=filters.get("bbox"),
            vintage_code=filters.get("vintage"),
        )
        paginator = GeoJsonPages()
        page = paginator.paginate_queryset(schools, request, view=self)
        return paginator.get_paginated_response(SchoolFeatureOutputSerializer(page, many=True).data)


class SchoolNearestApi(PublicReadApi):
    @extend_schema(
        parameters=[NearestSchoolsInputSerializer],
        responses={200: NearestSchoolsOutputSerializer, 400: PROBLEM, 422: PROBLEM},
        summary="The k nearest schools to a point: geodesic distances in metres and, with "
        "metric=walking|driving, distances by road",
    )
    def get(self, request):
        params = _parse(NearestSchoolsInputSerializer, request)
        point = make_point(lon=params["lon"], lat=params["lat"])
        ward = selectors.admin_unit_containing(point=point)
        if ward is None:
            raise OutsideCoveredArea(
                "The point lies outside the area this portal covers (Ho Chi Minh City).",
                field="lat,lon",
            )
        level = None if params["level"] == "all" else params["level"]
        school_year = selectors.catchment_latest_school_year()
        catchment = (
            selectors.catchment_containing(point=point, school_year=school_year)
            if school_year
            else None
        )
        metric = params["metric"]
        fallback = None
        if metric == DistanceMetric.STRAIGHT:
            nearest = selectors.school_nearest(point=point, k=params["k"], level=level)
        else:
            by_road = selectors.school_nearest_by_road(
                point=point, k=params["k"], metric=metric, level=level
            )
            nearest = by_road.results
            if by_road.fallback_reason:
                fallback = {
                    "reason": by_road.fallback_reason,
                    "detail": RoadFallbackReason(by_road.fallback_reason).label,
                }
        body = {
            "lat": params["lat"],
            "lon": params["lon"],
            "metric": metric,
            "fallback": fallback,
            "ward": ward,
            "catchment": catchment,
            "results": nearest,
        }
        return Response(NearestSchoolsOutputSerializer(body).data)


def _feature_collection(rows, properties) -> dict:
    """GeoJSON from rows annotated with `geojson` text (simplified in PostGIS)."""
    features = []
    for row in rows:
        props = properties(row)
        features.append(
            {
                "type": "Feature",
                "id": props["code"],
                "geometry": json.loads(row.geojson),
                "properties": props,
            }
        )
    return {"type": "FeatureCollection", "features": features}


class AdminUnitListApi(PublicReadApi):
    @extend_schema(
        parameters=[AdminUnitListFilterInputSerializer],
        responses={200: OpenApiTypes.OBJECT, 400: PROBLEM, 404: PROBLEM},
        summary="Wards/communes of a vintage as GeoJSON, geometry simplified for maps",
    )
    def get(self, request):
        filters = _parse(AdminUnitListFilterInputSerializer, request)
        code = filters.get("vintage")
        if code and not AdminVintage.objects.filter(code=code).exists():
            raise NotFound(f"There is no administrative vintage {code!r}.", field="vintage")
        units = selectors.admin_unit_list_simplified(vintage_code=code)
        return Response(
            _feature_collection(
                units,
                lambda u: {
                    "code": u.code,
                    "name": u.name,
                    "level": u.level,
                    "parent": u.parent.name if u.parent else None,
                    "population": u.population,
                    "population_year": u.population_year,
                    "area_km2": u.area_km2,
                },
            )
        )


class CatchmentListApi(PublicReadApi):
    @extend_schema(
        parameters=[CatchmentListFilterInputSerializer],
        responses={200: OpenApiTypes.OBJECT, 400: PROBLEM},
        summary="Current catchment polygons of a school year as GeoJSON",
    )
    def get(self, request):
        filters = _parse(CatchmentListFilterInputSerializer, request)
        school_year = filters.get("school_year") or selectors.catchment_latest_school_year()
        if school_year is None:
            return Response({"type": "FeatureCollection", "features": []})
        catchments = selectors.catchment_list_current_geojson(school_year=school_year)
        return Response(
            _feature_collection(
                catchments,
                lambda c: {
                    "code": c.school.code,
                    "school_name": c.school.name,
                    "school_year": c.school_year,
                    "version": c.version,
                    "source": c.source,
                },
            )
        )
