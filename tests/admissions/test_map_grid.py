"""The round maps' grids (pure): cluster cells per zoom, box parsing, hexagon numbering."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from admissions.map_grid import HCMC_EXTENT, BBox, cluster_cell_deg, hexagon_of


def test_a_cluster_cell_is_sixty_pixels_and_halves_with_each_zoom():
    assert cluster_cell_deg(8) == pytest.approx(60 * 360 / (256 * 256))
    for zoom in range(8, 19):
        assert cluster_cell_deg(zoom + 1) == pytest.approx(cluster_cell_deg(zoom) / 2)
    for zoom in (7, 20):
        with pytest.raises(ValueError, match="zoom"):
            cluster_cell_deg(zoom)


def test_boxes_are_parsed_and_clipped_to_the_city():
    box = BBox.parse(" 106.6, 10.7 ,106.8,10.9")
    assert (box.west, box.south, box.east, box.north) == (106.6, 10.7, 106.8, 10.9)
    assert BBox.parse("-180,-90,180,90") == BBox(*HCMC_EXTENT)
    assert BBox.parse("0,0,1,1").is_empty  # far from the city: nothing to show
    for bad in ("", "1,2,3", "a,b,c,d", "106.8,10.7,106.6,10.9", "106,11,107,10", "nan,1,2,3"):
        with pytest.raises(ValueError):
            BBox.parse(bad)


@given(
    x=st.floats(min_value=-5e5, max_value=1.5e6, allow_nan=False),
    y=st.floats(min_value=-1e5, max_value=2e6, allow_nan=False),
)
def test_a_point_belongs_to_the_hexagon_with_the_nearest_centre(x, y):
    edge = 500.0
    height = math.sqrt(3) * edge
    i, j = hexagon_of(x, y, edge)

    def centre(i, j):
        return 1.5 * edge * i, height * j + (height / 2 if i % 2 else 0.0)

    cx, cy = centre(i, j)
    own = math.hypot(x - cx, y - cy)
    assert own <= edge + 1e-6  # inside the hexagon's circumscribed circle
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            ox, oy = centre(i + di, j + dj)
            assert own <= math.hypot(x - ox, y - oy) + 1e-6
