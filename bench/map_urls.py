"""The public map requests of `make loadtest` (shared by bench/locustfile.py and the cache
warm-up in bench/loadtest.py, which must not import locust itself)."""

BBOXES = [
    "106.68,10.76,106.71,10.79",
    "106.65,10.74,106.70,10.80",
    "106.60,10.70,106.75,10.85",
    "106.70,10.78,106.74,10.82",
    "106.62,10.83,106.68,10.88",
]
POINTS = [(10.7725 + dy / 200, 106.6980 + dx / 200) for dy in range(-2, 3) for dx in range(-2, 2)]


def map_urls() -> list[str]:
    urls = [f"/api/v1/schools/?bbox={b}" for b in BBOXES]
    urls += [f"/api/v1/schools/nearest/?lat={la}&lon={lo}&k=5" for la, lo in POINTS]
    return [*urls, "/api/v1/admin-units/", "/api/v1/catchments/"]
