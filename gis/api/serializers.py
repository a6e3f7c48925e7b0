from django.conf import settings
from django.contrib.gis.geos import Polygon
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from gis.constants import DistanceMetric, RoadFallbackReason, SchoolLevel
from gis.models import School


class AdminUnitBriefOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class SchoolFeatureOutputSerializer(GeoFeatureModelSerializer):
    ward = AdminUnitBriefOutputSerializer(source="admin_unit", allow_null=True, read_only=True)
    grade1_seats = serializers.IntegerField(allow_null=True, read_only=True)

    class Meta:
        model = School
        geo_field = "location"
        id_field = "code"
        fields = [
            "code",
            "name",
            "name_en",
            "level",
            "address",
            "location_source",
            "ward",
            "grade1_classes",
            "class_size_norm",
            "grade1_seats",
            "phone",
            "website",
            "source",
        ]


_NUMBER = r"\s*-?\d+(\.\d+)?\s*"
BBOX_PATTERN = rf"^{_NUMBER}(,{_NUMBER}){{3}}$"


class SchoolListFilterInputSerializer(serializers.Serializer):
    bbox = serializers.RegexField(
        BBOX_PATTERN, required=False, help_text="min_lon,min_lat,max_lon,max_lat (WGS 84)"
    )
    ward = serializers.RegexField(
        r"^\d{1,10}$", required=False, help_text="Code of a ward/commune of the current vintage"
    )
    vintage = serializers.SlugField(
        required=False, help_text="Vintage of the ward code (default: current)"
    )
    level = serializers.ChoiceField(choices=SchoolLevel.choices, required=False)

    def validate_bbox(self, value: str) -> Polygon:
        parts = value.split(",")
        if len(parts) != 4:
            raise serializers.ValidationError(
                "expected four numbers: min_lon,min_lat,max_lon,max_lat"
            )
        try:
            min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
        except ValueError as exc:
            raise serializers.ValidationError("every bbox value must be a number") from exc
        if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
            raise serializers.ValidationError(
                "bbox must satisfy -180 ≤ min_lon < max_lon ≤ 180 and -90 ≤ min_lat < max_lat ≤ 90"
            )
        return Polygon.from_bbox((min_lon, min_lat, max_lon, max_lat))


class NearestSchoolsInputSerializer(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90, help_text="Latitude, WGS 84")
    lon = serializers.FloatField(min_value=-180, max_value=180, help_text="Longitude, WGS 84")
    k = serializers.IntegerField(min_value=1, default=5, max_value=settings.NEAREST_SCHOOLS_MAX_K)
    level = serializers.ChoiceField(
        choices=[*SchoolLevel.choices, ("all", "All levels")], default=SchoolLevel.PRIMARY
    )
    metric = serializers.ChoiceField(
        choices=DistanceMetric.choices,
        default=DistanceMetric.STRAIGHT,
        help_text="Rank by the straight line, or by the road network on foot or by vehicle",
    )


class NearbySchoolOutputSerializer(serializers.Serializer):
    code = serializers.CharField(source="school.code")
    name = serializers.CharField(source="school.name")
    level = serializers.CharField(source="school.level")
    address = serializers.CharField(source="school.address")
    location_source = serializers.CharField(source="school.location_source")
    grade1_seats = serializers.IntegerField(source="school.grade1_seats", allow_null=True)
    lon = serializers.FloatField(source="school.location.x")
    lat = serializers.FloatField(source="school.location.y")
    distance_m = serializers.FloatField(help_text="Geodesic distance on the WGS 84 ellipsoid")
    road_distance_m = serializers.FloatField(
        allow_null=True,
        default=None,
        help_text="Distance by road in the chosen metric (walking or driving); null for the "
        "straight metric or when the point falls back to the straight line",
    )


class CatchmentBriefOutputSerializer(serializers.Serializer):
    school_code = serializers.CharField(source="school.code")
    school_name = serializers.CharField(source="school.name")
    school_year = serializers.IntegerField()
    version = serializers.IntegerField()


class RoadFallbackOutputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RoadFallbackReason.choices)
    detail = serializers.CharField()


class NearestSchoolsOutputSerializer(serializers.Serializer):
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    metric = serializers.ChoiceField(choices=DistanceMetric.choices)
    fallback = RoadFallbackOutputSerializer(
        allow_null=True,
        help_text="Set when a road metric was asked for but the point cannot be routed: the "
        "results are then ranked by the straight line",
    )
    ward = AdminUnitBriefOutputSerializer(allow_null=True)
    catchment = CatchmentBriefOutputSerializer(allow_null=True)
    results = NearbySchoolOutputSerializer(many=True)


class AdminUnitListFilterInputSerializer(serializers.Serializer):
    vintage = serializers.SlugField(required=False, help_text="Vintage code, e.g. 2025 or 2019")


class CatchmentListFilterInputSerializer(serializers.Serializer):
    school_year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
