"""The committee's map of a round (issue #8, docs/adr/0022): who may see it, and that the server's
clusters, filters, lines and catchment demand count exactly what an independent computation from
the database counts."""

from __future__ import annotations

import math
from collections import Counter

import pytest
import shapely
from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from pyproj import Transformer

from accounts.services import parent_register
from admissions.constants import ApplicationStatus
from admissions.demo import generate_demo_round
from admissions.map_grid import (
    DEMAND_HEX_EDGE_M,
    DEMAND_MIN_CHILDREN,
    BBox,
    cluster_cell_deg,
    hexagon_of,
)
from admissions.models import AdmissionRound, Application, ApplicationChoice, Placement
from admissions.services import (
    allocation_run_create,
    allocation_run_execute,
    round_close,
)
from gis.geometry import make_point
from gis.models import Catchment

YEAR = 2031
OTHER_YEAR = 2032
CITY = "106.30,10.30,107.10,11.20"
# A street-zoom box in the densest part of the seeded city (filled in by the fixture).


def _group(year: int) -> Group:
    return Group.objects.create(name=f"Hội đồng tuyển sinh {year}")


def _staff(username: str, *, perms=("review_application",), groups=()) -> User:
    user = User.objects.create_user(username, password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=perms))
    user.groups.add(*groups)
    return User.objects.get(pk=user.pk)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """A synthetic round of 400 children with a finished run, its committee, and a second round
    with a committee of its own; rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        generate_demo_round(school_year=YEAR, children=400, seed=31)
        admission_round = AdmissionRound.objects.get(school_year=YEAR)
        # A few children in other states, so status filters have something to separate.
        apps = list(Application.objects.filter(round=admission_round).order_by("pk"))
        Application.objects.filter(pk__in=[a.pk for a in apps[:25]]).update(
            status=ApplicationStatus.SUBMITTED
        )
        Application.objects.filter(pk__in=[a.pk for a in apps[25:30]]).update(
            status=ApplicationStatus.WITHDRAWN
        )
        # Fifteen neighbours around Bến Thành market: one public demand cell reaches 10.
        for n, a in enumerate(apps[30:45]):
            a.residence_point = make_point(lon=106.6980 + n * 0.0002, lat=10.7725 + n * 0.0001)
            a.save(update_fields=["residence_point"])
        admission_round = round_close(admission_round=admission_round, lottery_seed=31)
        run = allocation_run_create(admission_round=admission_round, mechanism="da", seed=31)
        run = allocation_run_execute(run=run)
        committee = _group(YEAR)
        admission_round.committee = committee
        admission_round.save(update_fields=["committee"])
        other = generate_demo_round(school_year=OTHER_YEAR, children=20, seed=32).round
        other_committee = _group(OTHER_YEAR)
        other.committee = other_committee
        other.save(update_fields=["committee"])
        yield {"round": admission_round, "run": run, "committee": committee,
               "other_committee": other_committee}  # fmt: skip
        transaction.set_rollback(True)


@pytest.fixture
def member(seeded, db):
    return _staff("thanhvien", groups=[seeded["committee"]])


def api(path: str = "clusters/", year: int = YEAR) -> str:
    return f"/api/v1/rounds/{year}/map/{path}"


def points(admission_round, **filters):
    """(application, lon, lat) of every pin the map should show (drafts never)."""
    apps = Application.objects.filter(
        round=admission_round, residence_point__isnull=False, **filters
    ).exclude(status=ApplicationStatus.DRAFT)
    return [(a, a.residence_point.x, a.residence_point.y) for a in apps]


def expected_cells(rows, zoom: int, bbox: BBox) -> Counter:
    cell = cluster_cell_deg(zoom)
    return Counter(
        (math.floor(x / cell), math.floor(y / cell))
        for _, x, y in rows
        if bbox.west <= x <= bbox.east and bbox.south <= y <= bbox.north
    )


def got_cells(body, zoom: int) -> Counter:
    """Cells of the response, recovered from each cluster's mean position (inside its cell)."""
    cell = cluster_cell_deg(zoom)
    found = Counter()
    for f in body["features"]:
        x, y = f["geometry"]["coordinates"]
        found[(math.floor(x / cell), math.floor(y / cell))] += f["properties"]["count"]
    return found


# --------------------------------------------------------------------------- who may see it


def _private_urls(year: int = YEAR) -> list[str]:
    return [
        f"/tuyen-sinh/hoi-dong/{year}/ban-do/",
        api(f"clusters/?z=11&bbox={CITY}", year),
        api(f"lines/?bbox={CITY}", year),
        api("farthest/", year),
        api("catchments/", year),
    ]


def _assert_no_data(response, seeded):
    body = response.content.decode()
    assert "ADM-" not in body
    assert '"features"' not in body
    assert "Trẻ mẫu" not in body


def test_anonymous_visitors_get_no_data(client, seeded, db):
    page, *apis = _private_urls()
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/dang-nhap/")
    for url in apis:
        response = client.get(url)
        assert response.status_code in (401, 403), url
        assert response["Content-Type"] == "application/problem+json"
        _assert_no_data(response, seeded)


@pytest.mark.parametrize(
    "who",
    ["parent", "staff_without_permission", "staff_not_on_committee", "staff_of_another_round",
     "permission_without_staff_flag"],
)  # fmt: skip
def test_everyone_but_the_rounds_committee_is_refused(client, seeded, db, who):
    users = {
        "parent": lambda: parent_register(
            full_name="Nguyễn Thị Lan", password="mật-khẩu-dài-2026", phone="0912345678"
        ),
        "staff_without_permission": lambda: _staff("a", perms=(), groups=[seeded["committee"]]),
        "staff_not_on_committee": lambda: _staff("b"),
        "staff_of_another_round": lambda: _staff("c", groups=[seeded["other_committee"]]),
        "permission_without_staff_flag": lambda: (
            User.objects.filter(pk=_staff("d", groups=[seeded["committee"]]).pk).update(
                is_staff=False
            )
            and User.objects.get(username="d")
        ),
    }
    client.force_login(users[who]())
    for url in _private_urls():
        response = client.get(url)
        assert response.status_code == 403, (who, url)
        _assert_no_data(response, seeded)


def test_the_rounds_committee_and_administrators_see_it(client, seeded, member):
    client.force_login(member)
    for url in _private_urls():
        assert client.get(url).status_code == 200, url
    # A member of one round's committee is refused on the other round.
    for url in _private_urls(OTHER_YEAR):
        assert client.get(url).status_code == 403, url
    admin = User.objects.create_superuser("quantri", "q@example.invalid", "x")
    client.force_login(admin)
    for url in _private_urls() + _private_urls(OTHER_YEAR):
        assert client.get(url).status_code == 200, url


def test_an_unknown_round_is_404_for_committee_staff(client, seeded, member):
    client.force_login(member)
    assert client.get("/tuyen-sinh/hoi-dong/1999/ban-do/").status_code == 404
    response = client.get(api(f"clusters/?z=11&bbox={CITY}", 1999))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_round_without_a_committee_is_closed_to_all_but_administrators(client, seeded, member):
    AdmissionRound.objects.filter(school_year=YEAR).update(committee=None)
    client.force_login(member)
    assert client.get(_private_urls()[0]).status_code == 403


def test_bad_parameters_are_problems_naming_the_field(client, seeded, member):
    client.force_login(member)
    for query, field in (
        ("z=11", "bbox"),
        (f"z=30&bbox={CITY}", "z"),
        ("z=11&bbox=1,2,3", "bbox"),
        ("z=11&bbox=107,11,106,10", "bbox"),
        (f"z=11&bbox={CITY}&status=nonsense", "status"),
        (f"z=11&bbox={CITY}&run=not-a-uuid", "run"),
    ):
        response = client.get(api("clusters/?" + query))
        assert response.status_code == 400, query
        assert response["Content-Type"] == "application/problem+json"
        assert field in [p["name"] for p in response.json()["invalid_params"]], query
    unknown_run = "00000000-0000-0000-0000-000000000001"
    assert client.get(api(f"clusters/?z=11&bbox={CITY}&run={unknown_run}")).status_code == 404


# --------------------------------------------------------------------------- what it counts


@pytest.mark.parametrize("zoom", [9, 11, 13])
def test_clusters_count_every_child_once_at_city_zooms(client, seeded, member, zoom):
    client.force_login(member)
    rows = points(seeded["round"])
    assert len(rows) == 400  # 25 submitted + 5 withdrawn + 370 verified, none dropped
    body = client.get(api(f"clusters/?z={zoom}&bbox={CITY}")).json()
    assert body["total"] == 400
    assert got_cells(body, zoom) == expected_cells(rows, zoom, BBox.parse(CITY))
    statuses = Counter()
    for f in body["features"]:
        statuses.update(f["properties"]["counts"])
        assert f["properties"]["members"] is None  # no application listed below zoom 15
    assert statuses == {"verified": 370, "submitted": 25, "withdrawn": 5}


def _street_box(rows) -> str:
    """A ~1.5 km box around the first verified child: street zoom."""
    _, x, y = rows[0]
    return f"{x - 0.007:.5f},{y - 0.007:.5f},{x + 0.007:.5f},{y + 0.007:.5f}"


@pytest.mark.parametrize("zoom", [15, 17, 19])
def test_clusters_at_street_zoom_list_the_applications(client, seeded, member, zoom):
    client.force_login(member)
    rows = points(seeded["round"])
    box = _street_box(rows)
    body = client.get(api(f"clusters/?z={zoom}&bbox={box}")).json()
    expected = expected_cells(rows, zoom, BBox.parse(box))
    assert got_cells(body, zoom) == expected
    assert body["total"] == sum(expected.values()) >= 1
    by_uuid = {str(a.uuid): a for a, _, _ in rows}
    listed = [m for f in body["features"] for m in (f["properties"]["members"] or [])]
    small = sum(
        f["properties"]["count"] for f in body["features"] if f["properties"]["count"] <= 10
    )
    assert len(listed) == small
    for m in listed:
        assert by_uuid[m["uuid"]].tracking_code == m["code"]
        assert by_uuid[m["uuid"]].status == m["key"]


def test_filters_by_status_ward_school_and_placement(client, seeded, member):
    client.force_login(member)
    admission_round, run = seeded["round"], seeded["run"]
    base = api(f"clusters/?z=11&bbox={CITY}")

    def total(query: str) -> int:
        response = client.get(f"{base}&{query}")
        assert response.status_code == 200, response.content
        return response.json()["total"]

    assert total("status=submitted") == 25
    assert total("status=submitted,withdrawn") == 30
    assert total("status=submitted&status=verified") == 395
    ward_id, in_ward = Counter(
        Application.objects.filter(round=admission_round).values_list("ward_id", flat=True)
    ).most_common(1)[0]
    assert total(f"ward={ward_id}") == in_ward > 1
    placements = Placement.objects.filter(run=run)
    school_id, at_school = Counter(
        placements.exclude(school=None).values_list("school_id", flat=True)
    ).most_common(1)[0]
    assert total(f"school={school_id}") == at_school > 1
    assert total("placement=placed") == placements.exclude(school=None).count() > 0
    assert total("placement=unplaced") == placements.filter(school=None).count()
    # By placed school: every placement counted under its school, the rest as not in the run.
    body = client.get(f"{base}&mode=school").json()
    keys = Counter()
    for f in body["features"]:
        keys.update(f["properties"]["counts"])
    expected = Counter(
        str(s) for s in placements.exclude(school=None).values_list("school_id", flat=True)
    )
    expected["unplaced"] = placements.filter(school=None).count()
    expected["none"] = 400 - placements.count()
    assert keys == +expected
    # Before a run the school filter means the first choice, as in the queue.
    first = ApplicationChoice.objects.filter(application__round=admission_round, rank=1)
    school_id, first_count = Counter(first.values_list("school_id", flat=True)).most_common(1)[0]
    other_round = AdmissionRound.objects.get(school_year=OTHER_YEAR)
    assert other_round.runs.count() == 0
    client.force_login(User.objects.create_superuser("qt", "qt@example.invalid", "x"))
    response = client.get(f"{api('clusters/', OTHER_YEAR)}?z=11&bbox={CITY}&school={school_id}")
    other_first = ApplicationChoice.objects.filter(
        application__round=other_round, rank=1, school_id=school_id
    ).count()
    assert response.json()["total"] == other_first
    assert total(f"school={school_id}") == placements.filter(school_id=school_id).count()
    assert first_count >= 1


def test_lines_join_each_placed_child_to_the_school(client, seeded, member):
    client.force_login(member)
    placed = (
        Placement.objects.filter(run=seeded["run"])
        .exclude(school=None)
        .select_related("school", "application")
    )
    body = client.get(api(f"lines/?bbox={CITY}")).json()
    assert body["truncated"] is False
    assert len(body["features"]) == placed.count()
    by_uuid = {str(p.application.uuid): p for p in placed}
    for f in body["features"]:
        p = by_uuid[f["properties"]["uuid"]]
        home, school = f["geometry"]["coordinates"]
        assert home == pytest.approx(
            [p.application.residence_point.x, p.application.residence_point.y], abs=1e-6
        )
        assert school == pytest.approx([p.school.location.x, p.school.location.y], abs=1e-6)
        assert f["properties"]["school_id"] == p.school_id
        assert f["properties"]["distance_m"] == pytest.approx(p.distance_m, abs=0.1)


def test_the_farthest_placements_per_school(client, seeded, member):
    client.force_login(member)
    placed = Placement.objects.filter(run=seeded["run"]).exclude(school=None)
    body = client.get(api("farthest/?per_school=2")).json()
    got: dict[int, list[float]] = {}
    for f in body["features"]:
        got.setdefault(f["properties"]["school_id"], []).append(f["properties"]["distance_m"])
    expected = {}
    for p in placed.order_by("school_id", "-distance_m"):
        expected.setdefault(p.school_id, [])
        if len(expected[p.school_id]) < 2:
            expected[p.school_id].append(round(p.distance_m, 1))
    assert got == expected


def test_catchments_carry_applicants_living_inside_and_seats(client, seeded, member):
    client.force_login(member)
    admission_round = seeded["round"]
    body = client.get(api("catchments/")).json()
    catchments = {
        c.school_id: shapely.from_wkb(bytes(c.geom.wkb))
        for c in Catchment.objects.filter(school_year=YEAR, is_current=True)
    }
    assert len(body["features"]) == len(catchments) > 10
    homes = shapely.points(
        [(x, y) for a, x, y in points(admission_round) if a.status != ApplicationStatus.WITHDRAWN]
    )
    xs, ys = shapely.get_coordinates(homes).T
    seats = {rs.school_id: rs.seats for rs in admission_round.schools.all()}
    for f in body["features"]:
        p = f["properties"]
        inside = int(shapely.contains_xy(catchments[p["school_id"]], xs, ys).sum())
        assert p["demand"] == inside, p["school_name"]
        assert p["seats"] == seats.get(p["school_id"], 0)
    assert sum(f["properties"]["demand"] for f in body["features"]) == 395


# --------------------------------------------------------------------------- public aggregate


def test_public_demand_publishes_only_hexagons_of_ten_children_or_more(client, seeded, db):
    rows = [(a, x, y) for a, x, y in points(seeded["round"]) if a.status != "withdrawn"]
    to_utm = Transformer.from_crs(4326, 32648, always_xy=True)
    cells = Counter(hexagon_of(*to_utm.transform(x, y), DEMAND_HEX_EDGE_M) for _, x, y in rows)
    published = {c: n for c, n in cells.items() if n >= DEMAND_MIN_CHILDREN}
    assert published and len(published) < len(cells)  # some cells are suppressed
    body = client.get(f"/api/v1/demand/?school_year={YEAR}").json()
    counts = sorted(f["properties"]["children"] for f in body["features"])
    assert counts == sorted(published.values())
    assert min(counts) >= 10
    assert body["min_children"] == 10
    # The published hexagons are PostGIS's own (ST_Hexagon): each child's home lies in its cell.
    for f in body["features"]:
        hexagon = shapely.geometry.shape(f["geometry"])
        assert hexagon.geom_type == "Polygon"
        assert len(hexagon.exterior.coords) == 7


def test_the_hexagon_arithmetic_matches_postgis(db):
    from django.db import connection

    to_utm = Transformer.from_crs(4326, 32648, always_xy=True)
    samples = [(106.60 + i * 0.0137, 10.70 + (i * 7 % 13) * 0.0091) for i in range(60)]
    with connection.cursor() as cursor:
        for lon, lat in samples:
            x, y = to_utm.transform(lon, lat)
            i, j = hexagon_of(x, y, DEMAND_HEX_EDGE_M)
            cursor.execute(
                "SELECT ST_Intersects(ST_Hexagon(%s, %s, %s, ST_SetSRID(ST_MakePoint(0, 0), "
                "32648)), ST_SetSRID(ST_MakePoint(%s, %s), 32648))",
                [DEMAND_HEX_EDGE_M, i, j, x, y],
            )
            assert cursor.fetchone()[0], (lon, lat, i, j)


def test_a_round_with_few_children_publishes_no_cell(client, seeded, db):
    body = client.get(f"/api/v1/demand/?school_year={OTHER_YEAR}").json()
    assert body["features"] == []  # 20 children spread over the city: no cell reaches 10
