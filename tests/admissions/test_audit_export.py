"""Every run stores its complete, anonymised input and result; `export_run` writes them and the
engine's command line reproduces the result hash bit for bit, for both mechanisms (issue 12)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from admissions.allocation.instance_io import instance_from_dict
from admissions.allocation.public_da import check_da_public
from admissions.audit import audit_export, pseudonym
from admissions.demo import generate_demo_round
from admissions.models import Application, RoundSchool
from admissions.services import (
    allocation_run_create,
    allocation_run_execute,
    allocation_run_publish,
    allocation_run_review,
    round_close,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def closed_round(db):
    summary = generate_demo_round(school_year=2032, children=150, seed=3)
    RoundSchool.objects.filter(round=summary.round).update(classes=0, seats_override=3)
    return round_close(admission_round=summary.round, lottery_seed=2032)


def computed(round_, mechanism):
    run = allocation_run_create(admission_round=round_, mechanism=mechanism)
    allocation_run_execute(run=run)
    run.refresh_from_db()
    assert run.check_passed is True, run.violations
    return run


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "admissions.allocation", *args],
        capture_output=True, text=True, cwd=REPO, timeout=300,
    )  # fmt: skip


@pytest.mark.parametrize("mechanism", ["nearest", "da"])
def test_export_is_anonymised_and_reproduces_the_result_hash(closed_round, mechanism, tmp_path):
    run = computed(closed_round, mechanism)
    call_command("export_run", str(run.pk), "-o", str(tmp_path))
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["input_sha256"] == run.input_sha256
    assert manifest["result_sha256"] == run.result_sha256
    assert manifest["seed"] == 2032 and manifest["mechanism"] == mechanism

    text = (tmp_path / "input.json").read_text(encoding="utf-8")
    document = json.loads(text)
    apps = list(Application.objects.filter(round=closed_round))
    for app in apps[:20]:  # no tracking code, name or personal ID leaves the portal
        assert app.tracking_code not in text
        assert app.child_full_name not in text
        assert app.child_personal_id not in text
    key = closed_round.audit_key
    expected_ids = sorted(pseudonym(key, a.tracking_code) for a in apps)
    assert sorted(c["id"] for c in document["children"]) == expected_ids
    if mechanism == "nearest":
        assert hashlib.sha256(text.encode()).hexdigest() == run.input_sha256
        for child in document["children"]:
            for value in (child["lon"], child["lat"]):
                assert re.fullmatch(r"-?\d+(\.\d{1,4})?", repr(value)), value
        assert any(c.get("catchments") for c in document["children"])
        # A school-scoped category (sibling, staff; ADR 0023) travels with its school, a
        # city-wide one without: the re-run counts each where the portal did.
        entries = [e for c in document["children"] for e in c.get("categories", [])]
        scoped = Application.objects.filter(round=closed_round, priority_school__isnull=False)
        assert sum("school" in e for e in entries) == scoped.count() > 0
        assert any("school" not in e for e in entries)

    for name in ("input.json", "public-input.json"):  # the public file verifies too (ADR 26)
        checked = cli("check", str(tmp_path / name), str(tmp_path / "result.json"))
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert checked.stdout.strip() == "OK"
    public = (tmp_path / "public-input.json").read_bytes()
    assert manifest["public_input_sha256"] == hashlib.sha256(public).hexdigest()
    if mechanism == "nearest":
        assert b'"lon"' not in public and b'"lat"' not in public
    else:  # ranks by distance among a school's choosers instead of metres (ADR 26)
        ranked = json.loads(public)
        assert ranked["format"] == "da-public" and ranked["input_sha256"] == run.input_sha256
        metres = {c["id"]: c["priority"] for c in document["children"]}
        pairs = [
            (rank, metres[child["id"]][sid][2])
            for child in ranked["children"]
            for sid, (_, _, rank) in child["priority"].items()
        ]
        assert pairs and all(isinstance(r, int) and r != m for r, m in pairs)
    solved = cli(
        "solve", str(tmp_path / "input.json"), "-o", str(tmp_path / "again.json"),
        "--mechanism", mechanism,
    )  # fmt: skip
    assert solved.returncode == 0, solved.stderr
    assert json.loads((tmp_path / "again.json").read_text())["result_sha256"] == run.result_sha256


def test_export_of_an_unknown_run_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="run 999999: no such allocation run"):
        call_command("export_run", "999999", "-o", str(tmp_path))


def test_public_audit_page_shows_hashes_and_serves_the_input(
    closed_round, client, django_user_model
):
    committee = django_user_model.objects.create_user("hoidong-audit")
    run = computed(closed_round, "nearest")
    draft = computed(closed_round, "da")  # never published: not on the page
    page = client.get(reverse("admissions:audit"))
    assert page.status_code == 200
    assert run.input_sha256 not in page.content.decode()

    allocation_run_review(run=run, actor=committee)
    allocation_run_publish(run=run, actor=committee)
    html = client.get(reverse("admissions:audit")).content.decode()
    assert run.input_sha256 in html and run.result_sha256 in html and ">2032<" in html
    assert draft.input_sha256 not in html

    response = client.get(reverse("admissions:audit-download", args=[run.uuid, "input"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    public = json.loads(response.content)  # ADR 26: no homes; tied to the full input's hash
    assert public["format"] == "nearest-public" and public["input_sha256"] == run.input_sha256
    assert not any("lon" in child for child in public["children"])
    result = client.get(reverse("admissions:audit-download", args=[run.uuid, "result"]))
    assert json.loads(result.content)["result_sha256"] == run.result_sha256
    hidden = client.get(reverse("admissions:audit-download", args=[draft.uuid, "input"]))
    assert hidden.status_code == 404


def test_family_reads_its_childs_pseudonym_and_cannot_open_a_late_entry_ticket(
    client, staff, parent, admission_round, make_input
):
    from admissions.models import Placement, Ticket
    from admissions.services import (
        application_create,
        application_transition,
        ticket_open,
    )
    from portal.core.exceptions import InvalidInput

    app, _ = application_create(
        admission_round=admission_round, applicant=parent, data=make_input(), submit=True
    )
    application_transition(application=app, to="verified", actor=staff)
    round_ = round_close(admission_round=admission_round, lottery_seed=9)
    run = allocation_run_create(admission_round=round_, mechanism="da")
    allocation_run_execute(run=run)
    allocation_run_review(run=run, actor=staff)
    allocation_run_publish(run=run, actor=staff)
    code = pseudonym(round_.audit_key, app.tracking_code)
    assert Placement.objects.get(run=run, application=app).explanation["child"] == code

    client.force_login(parent)
    html = client.get(reverse("admissions:status", args=[app.uuid])).content.decode()
    assert f"con được ghi là {code}" in html
    assert 'value="late_entry"' not in html
    with pytest.raises(InvalidInput):
        ticket_open(application=app, kind=Ticket.Kind.LATE_ENTRY, reason="x", actor=parent)


def test_the_public_input_of_a_published_da_run_has_ranks_not_metres(
    closed_round, client, django_user_model
):
    committee = django_user_model.objects.create_user("hoidong-audit-da")
    run = computed(closed_round, "da")
    allocation_run_review(run=run, actor=committee)
    allocation_run_publish(run=run, actor=committee)
    html = client.get(reverse("admissions:audit")).content.decode()
    assert "check public-input.json result.json" in html
    response = client.get(reverse("admissions:audit-download", args=[run.uuid, "input"]))
    assert response.status_code == 200
    public = json.loads(response.content)
    assert public["format"] == "da-public" and public["input_sha256"] == run.input_sha256
    full = json.loads(audit_export(run=run).input_json)
    metres = {c["id"]: c["priority"] for c in full["children"]}
    for child in public["children"]:
        assert set(child) == {"id", "choices", "priority", "lottery"}
        for sid, priority in child["priority"].items():
            assert priority[:2] == metres[child["id"]][sid][:2]
            assert priority[2] != metres[child["id"]][sid][2]
    result = client.get(reverse("admissions:audit-download", args=[run.uuid, "result"]))
    assert check_da_public(public, json.loads(result.content)) == []


@pytest.mark.parametrize("mechanism", ["nearest", "da"])
def test_the_complete_input_is_for_the_rounds_staff_and_each_download_is_logged(
    closed_round, client, django_user_model, parent, mechanism
):
    from django.contrib.auth.models import Group
    from django.core.management import call_command as run_command

    from accounts.models import StaffScope
    from privacy.models import AccessLogEntry

    run_command("setup_roles", verbosity=0)
    run = computed(closed_round, mechanism)
    url = reverse("admissions:staff-run-input", args=[run.uuid])
    assert client.get(url).status_code == 302  # anonymous: to the log-in page
    client.force_login(parent)
    assert client.get(url).status_code == 403
    committee = django_user_model.objects.create_user("hoidong-input", is_staff=True)
    committee.groups.add(Group.objects.get(name="Hội đồng tuyển sinh"))
    client.force_login(committee)
    assert client.get(url).status_code == 404  # no scope, no record
    StaffScope.objects.create(user=committee, round=closed_round)
    response = client.get(url)
    assert response.status_code == 200
    if mechanism == "nearest":  # the file's own hash
        assert hashlib.sha256(response.content).hexdigest() == run.input_sha256
    else:  # the instance fingerprint, with the metres the public file ranks
        document = json.loads(response.content)
        assert instance_from_dict(document).input_sha256 == run.input_sha256
        assert any(
            isinstance(p[2], float) for c in document["children"] for p in c["priority"].values()
        )
    assert response["Cache-Control"] == "private, no-store"
    logged = AccessLogEntry.objects.get(staff=committee)
    assert (logged.subject_type, logged.subject_uuid) == ("allocation_input", run.uuid)
