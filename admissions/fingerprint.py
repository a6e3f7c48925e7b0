"""The fingerprint of everything an allocation run reads (ADR 0020).

One SHA-256 per input, each computed in one SQL statement (`string_agg` in a fixed order, then
`sha256`), so that a 155,000-child round is fingerprinted in the database without shipping its
rows to Python:

* ``children`` – every child taking part (id, tracking code, pin, category, school of the category)
* ``choices`` – their ranked schools
* ``priorities`` – the round's priority categories (code, rank, scope, evidence rule)
* ``seats`` – classes, seat override and class-size norm of every school of the round
* ``catchments`` – id, version and geometry of every current catchment of the school year
* ``school_positions`` – the position of every school of the round
* ``policy`` – allocation rule, stage, category rule, legal maximum distance, distance metric
* ``seed`` – the lottery seed

Publication recomputes them under the round lock and refuses a run whose input changed, naming
the inputs that did."""

from __future__ import annotations

import hashlib
import json

from django.db import connection
from django.utils.translation import gettext_lazy as _

from .constants import ApplicationStatus, RunStage

COMPONENTS = {
    "children": _("children"),
    "choices": _("ranked choices"),
    "priorities": _("priority categories"),
    "seats": _("seats and classes"),
    "catchments": _("catchments"),
    "school_positions": _("school positions"),
    "policy": _("allocation policy"),
    "seed": _("lottery seed"),
}

_SQL = {
    "children": """
        SELECT encode(sha256(convert_to(COALESCE(string_agg(concat_ws(':',
                 a.id, a.tracking_code, ST_X(a.residence_point::geometry),
                 ST_Y(a.residence_point::geometry), pc.code, pc.rank, pc.scope,
                 a.priority_school_id), ';' ORDER BY a.id), ''), 'UTF8')), 'hex')
        FROM admissions_application a
        LEFT JOIN admissions_prioritycategory pc ON pc.id = a.priority_category_id
        WHERE a.round_id = %(round)s AND a.status = %(status)s""",
    "choices": """
        SELECT encode(sha256(convert_to(COALESCE(string_agg(concat_ws(':',
                 c.application_id, c.rank, c.school_id), ';'
                 ORDER BY c.application_id, c.rank), ''), 'UTF8')), 'hex')
        FROM admissions_applicationchoice c
        JOIN admissions_application a ON a.id = c.application_id
        WHERE a.round_id = %(round)s AND a.status = %(status)s""",
    "priorities": """
        SELECT encode(sha256(convert_to(COALESCE(string_agg(concat_ws(':',
                 pc.id, pc.code, pc.rank, pc.scope, pc.requires_evidence), ';'
                 ORDER BY pc.id), ''), 'UTF8')), 'hex')
        FROM admissions_prioritycategory pc WHERE pc.round_id = %(round)s""",
    "seats": """
        SELECT encode(sha256(convert_to(COALESCE(string_agg(concat_ws(':',
                 rs.school_id, rs.classes, COALESCE(rs.seats_override, -1), r.class_size_norm),
                 ';' ORDER BY rs.school_id), ''), 'UTF8')), 'hex')
        FROM admissions_roundschool rs JOIN admissions_admissionround r ON r.id = rs.round_id
        WHERE rs.round_id = %(round)s""",
    "catchments": """
        SELECT encode(sha256(convert_to(COALESCE(string_agg(concat_ws(':',
                 c.id, c.school_id, c.version, md5(ST_AsEWKB(c.geom))), ';'
                 ORDER BY c.school_id, c.id), ''), 'UTF8')), 'hex')
        FROM geo_catchment c
        WHERE c.school_year = %(year)s AND c.is_current""",
    "school_positions": """
        SELECT encode(sha256(convert_to(COALESCE(string_agg(concat_ws(':',
                 s.id, ST_X(s.location::geometry), ST_Y(s.location::geometry)), ';'
                 ORDER BY s.id), ''), 'UTF8')), 'hex')
        FROM admissions_roundschool rs JOIN geo_school s ON s.id = rs.school_id
        WHERE rs.round_id = %(round)s""",
}


def _sha(value) -> str:
    return hashlib.sha256(
        json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()
    ).hexdigest()


def run_input_fingerprints(
    *, admission_round, stage: str, mechanism: str, seed: int
) -> dict[str, str]:
    """{input name: sha256} of every input of a run of this round, stage, rule and seed."""
    status = ApplicationStatus.VERIFIED if stage == RunStage.MAIN else ApplicationStatus.WAITLISTED
    params = {"round": admission_round.pk, "status": status, "year": admission_round.school_year}
    out: dict[str, str] = {}
    with connection.cursor() as cursor:
        for name, sql in _SQL.items():
            cursor.execute(sql, params)
            out[name] = cursor.fetchone()[0]
    out["policy"] = _sha(
        {
            "mechanism": mechanism,
            "stage": stage,
            "categories_in_group_1": admission_round.categories_in_group_1,
            "max_distance_m": admission_round.max_distance_m,
            "distance_metric": getattr(admission_round, "distance_metric", "geodesic"),
        }
    )
    out["seed"] = _sha(int(seed))
    return out


def combined(fingerprints: dict[str, str]) -> str:
    return _sha(fingerprints)


def changed_inputs(stored: dict[str, str], current: dict[str, str]) -> list[str]:
    """Names of the inputs whose fingerprint differs (an input missing on either side counts)."""
    return [name for name in COMPONENTS if stored.get(name) != current.get(name)]


def describe(names: list[str]) -> str:
    return ", ".join(str(COMPONENTS[n]) for n in names)
