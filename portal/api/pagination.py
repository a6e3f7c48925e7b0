from rest_framework.pagination import PageNumberPagination
from rest_framework_gis.pagination import GeoJsonPagination


class DefaultPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class GeoJsonPages(GeoJsonPagination):
    """FeatureCollection with count/next/previous; page size bounded so a bbox query stays cheap."""

    page_size = 500
    page_size_query_param = "page_size"
    max_page_size = 1000
