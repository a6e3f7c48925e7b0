"""The real 2018 OpenStreetMap extract: its road network in PostGIS (pgRouting), its schools,
and distances by road through the public API."""

import numpy as np
import pytest
from django.conf import settings
from django.db import connection
from django.db.models import F
from rest_framework.test import APIClient
from scipy.sparse.csgraph import dijkstra

from gis import selectors
from gis.importers.roads import road_network_load
from gis.models import RoadEdge, School

pytestmark = pytest.mark.django_db
NHA_BE = {"lat": 10.6952, "lon": 106.7149}  # Xã Nhà Bè, a point the public map may click
CAN_GIO = {"lat": 10.4115, "lon": 106.9547}  # inside HCMC, outside the extract's roads


def test_the_network_is_loaded_once_and_a_second_load_changes_nothing():
    network = selectors.road_network_current()
    assert network.n_edges > 70_000 and network.n_vertices > 50_000
    assert RoadEdge.objects.filter(network=network).count() == network.n_edges
    again = road_network_load(path=settings.OSM_EXTRACT_PATH, source=network.source)
    assert not again.loaded
    assert again.network.pk == network.pk


def test_walking_is_undirected_and_never_on_a_motorway_driving_keeps_one_way_rules():
    edges = RoadEdge.objects.filter(network=selectors.road_network_current())
    assert not edges.filter(highway="motorway", cost_walk__gte=0).exists()
    assert not edges.exclude(cost_walk=F("reverse_cost_walk")).exists()
    one_way = edges.filter(cost_drive__gte=0, reverse_cost_drive__lt=0)
    assert one_way.count() > 1000
    assert edges.filter(highway="footway", cost_walk__gte=0, cost_drive__lt=0).exists()


@pytest.mark.parametrize("mode", ["walking", "driving"])
def test_pgrouting_and_the_in_memory_router_agree_on_the_real_network(mode):
    """pgRouting's Dijkstra on the PostGIS edges and scipy's on the exported CSR graph give the
    same metres between the same junctions."""
    router = selectors.road_router(mode=mode)
    rng = np.random.default_rng(13)
    sources = rng.choice(router.n_vertices, 3, replace=False)
    targets = rng.choice(router.n_vertices, 40, replace=False)
    ours = dijkstra(router.graph, directed=True, indices=sources)[:, targets]
    cost, reverse = (
        ("cost_walk", "reverse_cost_walk")
        if mode == "walking"
        else (
            "cost_drive",
            "reverse_cost_drive",
        )
    )
    edges_sql = (
        f"SELECT id, source, target, {cost} AS cost, {reverse} AS reverse_cost "
        f"FROM geo_roadedge WHERE network_id = {selectors.road_network_current().pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCost(%s, %s::bigint[], "
            "%s::bigint[], directed => true)",
            [edges_sql, sources.tolist(), targets.tolist()],
        )
        theirs = {(s, t): c for s, t, c in cursor.fetchall()}
    compared = 0
    for i, s in enumerate(sources):
        for j, t in enumerate(targets):
            if np.isfinite(ours[i, j]):
                assert theirs[(int(s), int(t))] == pytest.approx(ours[i, j], abs=0.01)
                compared += 1
            else:
                assert (int(s), int(t)) not in theirs
    assert compared > 40


def test_about_three_times_as_many_primary_schools_have_a_position():
    primary = School.objects.filter(level="primary", location__isnull=False)
    assert primary.count() >= 3 * 59
    with_grounds = primary.filter(grounds__isnull=False)
    assert with_grounds.count() > 100
    assert all(s.grounds.intersects(s.location) for s in with_grounds[:50])
    assert primary.filter(location_label="OpenStreetMap 2018").count() > 100


def test_the_nearest_schools_by_road_in_nha_be_come_with_both_distances():
    client = APIClient()
    for metric in ("walking", "driving"):
        body = client.get("/api/v1/schools/nearest/", {**NHA_BE, "k": 5, "metric": metric}).json()
        assert body["metric"] == metric and body["fallback"] is None
        assert len(body["results"]) == 5
        road = [r["road_distance_m"] for r in body["results"]]
        assert road == sorted(road)
        for result in body["results"]:
            assert result["road_distance_m"] >= result["distance_m"] - 1


def test_a_home_outside_the_road_network_falls_back_to_the_straight_line_with_the_reason():
    body = APIClient().get("/api/v1/schools/nearest/", {**CAN_GIO, "metric": "walking"}).json()
    assert body["fallback"]["reason"] == "outside_coverage"
    assert body["fallback"]["detail"]
    distances = [r["distance_m"] for r in body["results"]]
    assert distances == sorted(distances) and distances
    assert all(r["road_distance_m"] is None for r in body["results"])


def test_the_straight_metric_is_the_default_and_has_no_road_distance():
    body = APIClient().get("/api/v1/schools/nearest/", NHA_BE).json()
    assert body["metric"] == "straight" and body["fallback"] is None
    assert all(r["road_distance_m"] is None for r in body["results"])


def test_an_unknown_metric_is_a_problem_naming_the_parameter():
    response = APIClient().get("/api/v1/schools/nearest/", {**NHA_BE, "metric": "flying"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["invalid_params"][0]["name"] == "metric"
