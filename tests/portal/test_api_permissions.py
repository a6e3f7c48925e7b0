"""Every API view declares who may use it; the default for one that forgets is to deny."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.views import APIView

from portal.api.permissions import DenyAll

# The endpoints anyone may read. Adding one here is a decision: say why in the view's docstring.
PUBLIC = {
    "api-schema",
    "api-docs",
    "school-list",
    "school-nearest",
    "admin-unit-list",
    "catchment-list",
    "procedure-list",  # the catalogue of online procedures is public information
    "procedure-detail",
    "kpi-report",  # aggregated indicators, no personal data
    "demand-hexagons",  # children per hexagon, cells under 10 left out (ADR 0022)
}


def api_views():
    """(url name, view class) for every DRF view under /api/."""
    found = []

    def walk(patterns, prefix):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern) and route.startswith("api/"):
                view_class = getattr(entry.callback, "view_class", None)
                if view_class is not None and issubclass(view_class, APIView):
                    found.append((entry.name, route, view_class))

    walk(get_resolver().url_patterns, "")
    return found


def test_the_default_permission_denies():
    assert [DenyAll] == api_settings.DEFAULT_PERMISSION_CLASSES


@pytest.mark.parametrize(
    ("name", "route", "view_class"), api_views(), ids=[route for _, route, _ in api_views()]
)
def test_every_api_view_declares_its_access_rule(name, route, view_class):
    declared = next(
        (klass.__dict__["permission_classes"] for klass in view_class.__mro__
         if "permission_classes" in klass.__dict__ and klass is not APIView),
        None,
    )  # fmt: skip
    assert declared, f"{route} ({view_class.__name__}) declares no permission_classes"
    assert (AllowAny in declared) == (name in PUBLIC), (
        f"{route}: public={AllowAny in declared}, expected public={name in PUBLIC}"
    )


class Forgetful(APIView):
    def get(self, request):
        return Response({"secret": 1})


urlpatterns = [path("forgetful/", Forgetful.as_view())]


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_view_that_forgets_its_rule_answers_403_even_to_a_signed_in_user(django_user_model):
    client = APIClient()
    assert client.get("/forgetful/").status_code == 403
    client.force_authenticate(django_user_model.objects.create_user("u", password="p"))
    response = client.get("/forgetful/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert b"secret" not in response.content
