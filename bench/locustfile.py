"""Locust users for `make loadtest` (bench/loadtest.py drives them headless).

MapUser: a visitor of the public map (schools of the visible area, nearest schools, wards,
catchments). SubmitUser: signed-in parents handing in complete applications through the
intake queue; DirectSubmitUser: the same through the synchronous endpoint.

Without LOADTEST_RATE the users run without think time: the numbers are the server's
capacity (a closed loop: at saturation the latency is set by the number of clients, Little's
law). With LOADTEST_RATE (requests/s for all users together; bench/loadtest.py sets it per
phase) each user paces itself to its share (locust's ``constant_throughput``): the latency a
family meets at that load."""

import itertools
import json
import os
import random

from locust import FastHttpUser, constant, constant_throughput, task
from map_urls import BBOXES, POINTS

SETUP = json.loads(os.environ.get("LOADTEST_SETUP", "{}"))
_parents = itertools.cycle(SETUP.get("sessions", []) or [""])
_serials = itertools.count(int(os.environ.get("LOADTEST_SERIAL_START", "1")))
_RATE = float(os.environ.get("LOADTEST_RATE") or 0)
_USERS = int(os.environ.get("LOADTEST_USERS", "50"))


def _pace():
    """Think time: none (capacity), or each user's share of LOADTEST_RATE."""
    return constant_throughput(_RATE / _USERS) if _RATE > 0 else constant(0)


class MapUser(FastHttpUser):
    wait_time = _pace()

    @task(5)
    def schools_in_view(self):
        self.client.get(f"/api/v1/schools/?bbox={random.choice(BBOXES)}", name="schools?bbox")

    @task(3)
    def nearest(self):
        lat, lon = random.choice(POINTS)
        self.client.get(f"/api/v1/schools/nearest/?lat={lat}&lon={lon}&k=5", name="nearest")

    @task(1)
    def wards(self):
        self.client.get("/api/v1/admin-units/", name="admin-units")

    @task(1)
    def catchments(self):
        self.client.get("/api/v1/catchments/", name="catchments")


def application_body(serial: int) -> dict:
    year = SETUP["birth_year"]
    century = 2 if year >= 2000 else 0
    return {
        "school_year": SETUP["school_year"],
        "child_full_name": f"Trẻ tải thử {serial}",
        "child_dob": f"{year}-05-20",
        "child_gender": "female",
        "child_personal_id": f"079{century + 1}{year % 100:02d}{serial:06d}",
        "guardian_full_name": "Nguyễn Thị Lan",
        "guardian_personal_id": f"0791{90:02d}{serial:06d}",
        "guardian_phone": "0912345678",
        "guardian_relationship": "mother",
        "address_text": "12 Lê Lợi",
        "lat": SETUP["lat"],
        "lon": SETUP["lon"],
        "residence_type": "permanent",
        "choices": SETUP["choices"],
        "consent": True,
    }


class _ParentUser(FastHttpUser):
    abstract = True
    wait_time = _pace()
    url = ""
    name = ""
    expected_status = 0

    def on_start(self):
        self.session = next(_parents)
        self.csrf = SETUP.get("csrf", "")

    def post_application(self, body: dict) -> None:
        with self.client.post(
            self.url,
            json=body,
            headers={
                "Cookie": f"sessionid={self.session}; csrftoken={self.csrf}",
                "X-CSRFToken": self.csrf,
            },
            name=self.name,
            catch_response=True,
        ) as response:
            if response.status_code != self.expected_status:
                response.failure(f"{response.status_code}: {response.text[:200]}")


class SubmitUser(_ParentUser):
    """The opening-morning path: the intake queue answers 202 with a receipt; a Celery
    worker creates the applications (bench/loadtest.py waits for it and reports the drain)."""

    url = "/api/v1/applications/intake/"
    name = "applications/intake (submit)"
    expected_status = 202

    @task
    def submit(self):
        self.post_application(application_body(next(_serials)))


class DirectSubmitUser(_ParentUser):
    """The synchronous endpoint: the application is created inside the request."""

    url = "/api/v1/applications/"
    name = "applications (direct)"
    expected_status = 201

    @task
    def submit(self):
        self.post_application({**application_body(next(_serials)), "submit": True})
