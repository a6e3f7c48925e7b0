"""Distances against pyproj.Geod, and the nearest-first mechanism with its final pass."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from admissions.allocation.checker import check
from admissions.allocation.distances import SchoolLocator, distances_to_schools, geodesic_m
from admissions.allocation.model import NO_FREE_SEAT_ANYWHERE, NONE_WITHIN_MAX_AND_ALL_FULL
from admissions.allocation.nearest import build_nearest_instance, nearest_source, solve_nearest
from tests.admissions.allocation.helpers import random_city

GEOD = Geod(ellps="WGS84")


def reference_distance(lon1, lat1, lon2, lat2) -> float:
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


def test_geodesic_matches_pyproj_geod():
    clon, clat, slon, slat = random_city(50, 50, seed=1)
    ours = geodesic_m(clon, clat, slon, slat)
    expected = [reference_distance(*args) for args in zip(clon, clat, slon, slat, strict=True)]
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-6)


@pytest.mark.parametrize("threads", [2, 3, 4])
def test_geodesics_split_over_threads_are_the_same_metres_in_the_same_order(threads):
    clon, clat, slon, slat = random_city(40_000, 40_000, seed=3)
    split = geodesic_m(clon, clat, slon[::-1], slat[::-1], threads=threads)
    one = geodesic_m(clon, clat, slon[::-1], slat[::-1], threads=1)
    assert split.shape == (40_000,)
    np.testing.assert_array_equal(split, one)
    assert np.unique(split).size > 39_000  # not one repeated value


def test_k_nearest_are_the_true_nearest_with_exact_distances():
    clon, clat, slon, slat = random_city(300, 120, seed=2)
    found = SchoolLocator(slon, slat).nearest(clon, clat, 5)
    for i in range(300):
        exact = np.array(
            [reference_distance(clon[i], clat[i], x, y) for x, y in zip(slon, slat, strict=True)]
        )
        np.testing.assert_allclose(found.distance_m[i], np.sort(exact)[:5], atol=1e-6)
        np.testing.assert_allclose(exact[found.school[i]], found.distance_m[i], atol=1e-6)


def test_a_subset_locator_finds_what_a_locator_of_those_schools_finds():
    """The final pass's locator of the open schools reuses the projected points: it answers
    as a locator built from the schools' coordinates does (local indices, exact metres)."""
    clon, clat, slon, slat = random_city(300, 120, seed=4)
    schools = np.flatnonzero(np.arange(120) % 3 != 1)
    part = SchoolLocator(slon, slat, tie_rank=np.arange(120)[::-1]).subset(schools)
    fresh = SchoolLocator(slon[schools], slat[schools], tie_rank=np.arange(120)[::-1][schools])
    got, expected = part.nearest(clon, clat, 6), fresh.nearest(clon, clat, 6)
    assert got.school.tolist() == expected.school.tolist()
    np.testing.assert_array_equal(got.distance_m, expected.distance_m)
    np.testing.assert_array_equal(got.unseen_beyond_m, expected.unseen_beyond_m)
    exact = np.array(
        [reference_distance(clon[7], clat[7], x, y) for x, y in zip(slon, slat, strict=True)]
    )
    np.testing.assert_allclose(got.distance_m[7], exact[schools[got.school[7]]], atol=1e-6)


def test_within_radius_is_an_exact_prefix():
    clon, clat, slon, slat = random_city(200, 150, seed=3)
    locator = SchoolLocator(slon, slat)
    found = locator.within(clon, clat, 3000.0, 400)
    for i in range(200):
        exact = np.array(
            [reference_distance(clon[i], clat[i], x, y) for x, y in zip(slon, slat, strict=True)]
        )
        inside = np.flatnonzero(exact <= 3000.0)
        inside = inside[np.argsort(exact[inside], kind="stable")]
        got = found.school[i][found.school[i] >= 0]
        assert got.tolist() == inside.tolist()
        assert not found.maybe_more[i]


def test_within_reuses_known_metres_and_measures_the_rest(monkeypatch):
    """A growing list passes its current prefix: those slots take the given metres (not
    measured again), every other slot is measured, and the rows are what a fresh query
    gives."""
    import admissions.allocation.distances as distances

    clon, clat, slon, slat = random_city(200, 150, seed=3)
    locator = SchoolLocator(slon, slat)
    short = locator.within(clon, clat, 3000.0, 4)
    measured = []
    real = distances.geodesic_m
    monkeypatch.setattr(distances, "geodesic_m", lambda *a: measured.append(a[0].size) or real(*a))
    fresh = locator.within(clon, clat, 3000.0, 40)
    grown = locator.within(clon, clat, 3000.0, 40, known=(short.school, short.distance_m))
    np.testing.assert_array_equal(grown.school, fresh.school)
    np.testing.assert_array_equal(grown.distance_m, fresh.distance_m)
    np.testing.assert_array_equal(grown.maybe_more, fresh.maybe_more)
    assert (short.school >= 0).sum() > 100
    assert measured[0] - measured[1] == (short.school >= 0).sum()


def test_known_slots_are_found_in_rows_the_tree_lists_in_another_order():
    """Rows listing the known schools first, in order, are read off directly; a row where the
    tree put them in another order (near-equal distances under the projection's scale
    error) still gets every known metre, at the column where the tree put the school."""
    from admissions.allocation.distances import _known_slots

    rng = np.random.default_rng(7)
    n, k, m = 60, 9, 4
    school = np.array([rng.permutation(30)[:k] for _ in range(n)])
    proj = np.sort(rng.uniform(100, 3000, (n, k)), axis=1)
    measured = rng.random((n, k)) < 0.9
    length = rng.integers(0, m + 1, n)
    known_school = np.where(np.arange(m) < length[:, None], school[:, :m], -1)
    swapped = np.flatnonzero(length >= 2)[::2]
    known_school[swapped, :2] = known_school[swapped, 1::-1]
    known_dist = np.where(known_school >= 0, proj[:, :m] * 0.999, np.inf)
    row, col, metres = _known_slots(school, measured, proj, known_school, known_dist)
    got = {(r, c): d for r, c, d in zip(row.tolist(), col.tolist(), metres.tolist(), strict=True)}
    expected = {}
    for r in range(n):
        for j in range(length[r]):
            c = school[r].tolist().index(known_school[r, j])
            if measured[r, c]:
                expected[(r, c)] = known_dist[r, j]
    assert got == expected
    assert swapped.size > 5 and any(r in swapped.tolist() for r, _ in got)


def test_within_split_over_threads_equals_one_pass(monkeypatch):
    """Many points × k: the rows are split over threads; the rows, metres and flags are
    those of one pass over all points (with and without known metres)."""
    import admissions.allocation.distances as distances

    clon, clat, slon, slat = random_city(6000, 300, seed=5)
    locator = SchoolLocator(slon, slat)
    short = locator.within(clon, clat, 9000.0, 4)
    known = (short.school, short.distance_m)
    monkeypatch.setattr(distances, "_workers", lambda: 2)
    split = [locator.within(clon, clat, 9000.0, 48, known=k) for k in (None, known)]
    monkeypatch.setattr(distances, "_PARALLEL_SLOTS_MIN", 10**12)
    whole = [locator.within(clon, clat, 9000.0, 48, known=k) for k in (None, known)]
    for a, b in zip(split, whole, strict=True):
        np.testing.assert_array_equal(a.school, b.school)
        np.testing.assert_array_equal(a.distance_m, b.distance_m)
        np.testing.assert_array_equal(a.maybe_more, b.maybe_more)
    assert split[0].maybe_more.any() and (split[0].school >= 0).sum() > 100_000


def test_distances_to_ranked_choices():
    clon, clat, slon, slat = random_city(20, 10, seed=4)
    choices = np.tile(np.array([3, -1, 7]), (20, 1))
    dist = distances_to_schools(clon, clat, choices, slon, slat)
    assert np.isnan(dist[:, 1]).all()
    for i in range(20):
        assert dist[i, 0] == pytest.approx(reference_distance(clon[i], clat[i], slon[3], slat[3]))
        assert dist[i, 2] == pytest.approx(reference_distance(clon[i], clat[i], slon[7], slat[7]))


def line_source(capacity, child_offsets_m, school_offsets_m, max_distance_m=2000.0):
    """Children and schools on the equator-ish line at lat 10.78 (1° lon ≈ 109.4 km)."""
    per_degree = reference_distance(106.0, 10.78, 107.0, 10.78)
    return nearest_source(
        [f"c{i}" for i in range(len(child_offsets_m))],
        [106.7 + d / per_degree for d in child_offsets_m],
        [10.78] * len(child_offsets_m),
        [f"s{i}" for i in range(len(school_offsets_m))],
        [106.7 + d / per_degree for d in school_offsets_m],
        [10.78] * len(school_offsets_m),
        capacity,
        lottery=np.linspace(0.1, 0.9, len(child_offsets_m)),
        max_distance_m=max_distance_m,
    )


def test_nearest_first_final_pass_and_unplaced_report():
    # s0 at 0 m (1 seat), s1 at 1500 m (1 seat), s2 at 9000 m (1 seat).
    source = line_source([1, 1, 1], [10, 20, 30, 40], [0, 1500, 9000])
    result = solve_nearest(source)
    got = result.assignment_dict()
    # Lists: s0 then s1 (s2 is beyond 2 km). s0 takes the closest child c0; at s1 (group 2
    # for everyone) c3 is the closest; c1 and c2 are rejected by both.
    assert got["c0"] == "s0" and got["c3"] == "s1"
    # Final pass in lottery order: c1 (0.37) before c2 (0.63) takes the last seat, at s2.
    assert got["c1"] == "s2" and result.outside_list[1]
    assert got["c2"] is None
    reasons = {u.child_id: u for u in result.unplaced}
    assert reasons["c1"].reason.startswith("placed_by_final_pass")
    assert reasons["c2"].reason == NO_FREE_SEAT_ANYWHERE
    assert "all 2 schools within 2000 m are full" in reasons["c2"].message
    assert result.stable is True
    assert check(result.instance, result, expected_input_sha256=source.sha256) == []
    # Against the independently re-derived complete lists too.
    assert (
        check(build_nearest_instance(source), result.to_json(), expected_input_sha256=source.sha256)
        == []
    )


def test_child_with_no_school_in_range_and_all_full():
    source = line_source([1], [0, 50_000], [0])
    result = solve_nearest(source)
    report = {u.child_id: u for u in result.unplaced}
    assert report["c1"].reason == NONE_WITHIN_MAX_AND_ALL_FULL
    assert report["c1"].schools_within_max_distance == 0


def tiny_schools_source():
    """600 children, 60 schools of which 10 have one seat: many children go down their lists."""
    clon, clat, slon, slat = random_city(600, 60, seed=5)
    capacity = np.full(60, 8)
    capacity[:10] = 1
    return nearest_source(
        [f"c{i}" for i in range(600)],
        clon,
        clat,
        [f"s{i}" for i in range(60)],
        slon,
        slat,
        capacity,
        seed=11,
        max_distance_m=6000,
    )


def test_lazy_lists_equal_complete_lists():
    source = tiny_schools_source()
    lazy = solve_nearest(source, initial_list_length=2)
    from admissions.allocation.mechanisms import solve_da

    full = solve_da(build_nearest_instance(source))
    in_list = ~lazy.outside_list
    assert lazy.assignment[in_list].tolist() == full.assignment[in_list].tolist()
    assert (full.assignment[~in_list] == -1).all()


@pytest.mark.parametrize("initial", [1, 2, 6])
@pytest.mark.parametrize("growth", [2, 4, 16])
def test_published_lists_end_at_the_seat_whatever_the_growth(monkeypatch, initial, growth):
    """ADR 29: a list is published up to and including the placed school; a child without a
    seat from its list gets every school in range. So the lists, the seats and the cutoffs
    do not depend on how the lists grew."""
    import admissions.allocation.nearest as nearest

    source = tiny_schools_source()
    reference = solve_nearest(source)
    monkeypatch.setattr(nearest, "LIST_GROWTH", growth)
    result = solve_nearest(source, initial_list_length=initial)
    assert result.assignment.tolist() == reference.assignment.tolist()
    assert result.cutoffs == reference.cutoffs
    assert result.result_sha256 == reference.result_sha256
    a, b = result.instance, reference.instance
    for name in ("choice_ptr", "choice_school", "priority", "lottery", "distance_m", "truncated"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    complete = build_nearest_instance(source)
    ends_at_seat = 0
    for c in range(source.n_children):
        listed = a.choices_of(c).tolist()
        assert listed == complete.choices_of(c).tolist()[: len(listed)]
        if result.assignment[c] >= 0 and not result.outside_list[c]:
            assert listed[-1] == result.assignment[c]
            ends_at_seat += len(listed) < complete.list_length[c]
        else:  # rejected by every school of its complete list
            assert len(listed) == complete.list_length[c] and not a.truncated[c]
    assert ends_at_seat > 0  # some list was cut after its seat
    assert result.stable is True


def test_final_pass_explanation_in_both_languages():
    from admissions.allocation.explanations import explain, render_explanation

    source = line_source([1, 1, 1], [10, 20, 30, 40], [0, 1500, 9000])
    result = solve_nearest(source)
    expl = explain(result, "c1")
    assert expl.placed_by_final_pass and expl.school_id == "s2"
    assert [c.reason for c in expl.choices] == ["school_full_with_better_priority"] * 2
    en = render_explanation(expl, "en", {"s2": "Far School"})
    assert "placed at the nearest school with a free seat: Far School, 8.98 km away" in en
    vi = render_explanation(expl, "vi", {"s2": "Trường Xa"})
    assert "trường gần nhất còn chỗ: Trường Xa, cách 8,98 km" in vi
    unplaced = render_explanation(explain(result, "c2"), "vi")
    assert unplaced.endswith("Hiện không còn trường nào còn chỗ.")


def test_explanation_says_no_school_in_range_rather_than_no_choice():
    from admissions.allocation.explanations import explain, render_explanation

    # c1 lives 50 km from the only school, which c0 fills: nothing within 2 km, all full.
    result = solve_nearest(line_source([1], [0, 50_000], [0]))
    expl = explain(result, "c1")
    assert expl.choices == [] or list(expl.choices) == []
    vi = render_explanation(expl, "vi")
    en = render_explanation(expl, "en")
    assert vi.startswith("Không có trường nào trong phạm vi 2,00 km tính từ nơi ở của con.")
    assert "chưa đăng ký nguyện vọng" not in vi
    assert en.startswith("No school lies within 2.00 km of your home.")


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["106.7", "106", "-0.0", "106.70000000000002", "1e-05"]),
            st.floats(0, 1, exclude_max=True),
            st.lists(st.integers(0, 2), max_size=2),
            st.lists(st.tuples(st.integers(1, 3), st.one_of(st.none(), st.integers(0, 2)))),
            st.one_of(st.none(), st.sampled_from(["Phường 1", 'Bến "Nghé"'])),
        ),
        max_size=8,
    ),
    st.one_of(st.none(), st.integers(0, 99)),
    st.booleans(),
)
def test_fast_source_canonical_json_equals_json_dumps(children, seed, in_group_1):
    from admissions.allocation.hashing import canonical_json
    from admissions.allocation.priorities import CategoryRule

    ids = [f"C{(i * 7) % 11}-{i}" for i in range(len(children))]
    source = nearest_source(
        ids,
        [float(c[0]) for c in children],
        [10.78 + i / 1000 for i in range(len(children))],
        ["S2", "S0", "S1"],
        [106.7, 106.0, 106.71],
        [10.78, 10.0, 10.79],
        [1, 0, 3],
        lottery=[c[1] for c in children],
        catchments=[[f"S{s}" for s in c[2]] for c in children],
        categories=[[(r, None if s is None else f"S{s}") for r, s in c[3]] for c in children],
        rule=CategoryRule(in_group_1=in_group_1),
        ward=[c[4] for c in children],
        group=[c[4] for c in reversed(children)],
        seed=seed,
        max_distance_m=4000.5 if in_group_1 else 4000,
    )
    assert source.canonical_json() == canonical_json(source.document())


@pytest.mark.parametrize(("batch", "chunk"), [(1, 1), (3, 4), (3, 64), (64, 7)])
def test_source_canonical_json_written_in_pieces_equals_json_dumps(monkeypatch, batch, chunk):
    """The children are written a piece at a time, their numbers a chunk at a time: every
    piece and chunk boundary, and the labels, memberships and numbers of each child, land
    where json.dumps puts them."""
    from admissions.allocation import nearest
    from admissions.allocation.hashing import canonical_json

    monkeypatch.setattr(nearest, "SOURCE_JSON_BATCH", batch)
    monkeypatch.setattr(nearest, "SOURCE_JSON_CHUNK", chunk)
    n = 10
    source = nearest_source(
        [f"C{(i * 7) % n}" for i in range(n)],  # ids not in index order
        [106.7 + i / 100 for i in range(n)],
        [10.0 if i == 4 else 10.78 + i / 1000 for i in range(n)],  # an integral latitude
        ["S1", "S0"],
        [106.7, 106.71],
        [10.78, 10.79],
        [1, 2],
        lottery=[0.0 if i == 2 else 1e-05 if i == 3 else i / 11 for i in range(n)],
        catchments=[["S1", "S0"] if i % 3 == 0 else [] for i in range(n)],
        categories=[[(1, None), (2, "S0")] if i % 4 == 1 else [] for i in range(n)],
        ward=[None if i % 5 == 0 else f"Phường {i % 2}" for i in range(n)],
        group=[None if i % 2 else 'nhóm "A"' for i in range(n)],
    )
    expected = canonical_json(source.document())
    assert source.canonical_json() == expected
    assert expected.count(b'"id":"C') == n


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.floats(allow_nan=False, allow_infinity=False)
        | st.floats(-1e-3, 1e-3)
        | st.floats(9e15, 2e16)
        | st.integers(-(2**60), 2**60).map(float),
        max_size=40,
    )
)
def test_number_tokens_are_the_canonical_json_numbers(values):
    """Numbers are written a column at a time (msgspec, ``repr`` where it uses an exponent):
    the same tokens as json.dumps of the plain numbers."""
    import json

    from admissions.allocation.hashing import number_tokens

    expected = [str(int(v)) if v.is_integer() and abs(v) < 2**53 else json.dumps(v) for v in values]
    assert number_tokens(np.asarray(values, dtype=np.float64)) == expected


@pytest.mark.parametrize("k", [4, 6, 8])
def test_schools_at_the_same_distance_are_listed_in_tie_rank_order(k):
    """Rows are sorted by distance with a fast sort; schools at exactly the same distance
    (here: at the same point) still come in tie-rank order, whatever their input order."""
    lon = [106.70, 106.71, 106.70, 106.70, 106.69, 106.71]
    lat = [10.78, 10.78, 10.78, 10.78, 10.78, 10.78]
    locator = SchoolLocator(lon, lat, tie_rank=[5, 4, 0, 3, 2, 1])
    near = locator.within([106.7001, 106.7101], [10.78, 10.78], 4000.0, k)
    first = near.school[0][near.school[0] >= 0].tolist()
    assert first[:3] == [2, 3, 0]  # the three schools at 106.70, by tie rank 0, 3, 5
    second = near.school[1][near.school[1] >= 0].tolist()
    assert second[:2] == [5, 1]  # the two at 106.71, by tie rank 1, 4
    assert (np.diff(near.distance_m[0][near.school[0] >= 0]) >= 0).all()
