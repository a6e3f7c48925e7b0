"""What an auditor downloads: the complete, anonymised input of a run and its result (ADR 13);
what the public downloads instead: the document without homes or metres
(``admissions.allocation.public`` for nearest-first, ``public_da`` for deferred acceptance,
ADR 26).

The engine runs on exactly the published data: children are identified by stable pseudonyms
(an HMAC of the tracking code under the round's secret audit key, so nobody can map a
pseudonym back to a tracking code) and their homes by coordinates rounded to 4 decimals
(about 11 m, as precise as a pin placed on a map by a family). The documents are stored with
the run, gzip-compressed canonical JSON, so an export is byte for byte what was computed even
after applications move on.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.cache import cache

from admissions.allocation.hashing import canonical_json

#: Decimal places of published coordinates (1e-4° ≈ 11 m in Ho Chi Minh City).
COORDINATE_DECIMALS = 4
VERIFY_COMMAND = "python -m admissions.allocation check input.json result.json"
PUBLIC_VERIFY_COMMAND = "python -m admissions.allocation check public-input.json result.json"


class AuditUnavailable(Exception):
    """The run has no stored input/result (computed before inputs were stored, or failed)."""


def pseudonym(key: str, tracking_code: str) -> str:
    """Stable pseudonym of a child in published data (64 bits of HMAC-SHA256)."""
    digest = hmac.new(key.encode(), tracking_code.encode(), hashlib.sha256).hexdigest()
    return f"C{digest[:16]}"


def pseudonyms(key: str, tracking_codes: list[str]) -> list[str]:
    names = [pseudonym(key, code) for code in tracking_codes]
    if len(set(names)) != len(names):  # pragma: no cover - 64-bit collision
        raise ValueError("two children share a pseudonym; change the round's audit key")
    return names


def rounded(degrees) -> np.ndarray:
    """Coordinates as the engine sees and publishes them."""
    return np.round(np.asarray(degrees, dtype=np.float64), COORDINATE_DECIMALS)


def pack(document: Any) -> bytes:
    """Canonical JSON, gzip-compressed deterministically (no timestamp in the header)."""
    return gzip.compress(canonical_json(document), mtime=0)


@dataclass(frozen=True)
class AuditExport:
    input_json: bytes
    result_json: bytes
    manifest: dict[str, Any]
    #: What the public may download as the run's input (ADR 26): for nearest-first, the
    #: document without homes or metres; for deferred acceptance, the instance with ranks by
    #: distance instead of metres in the priority tuples.
    public_input_json: bytes = b""


def public_input(*, mechanism: str, input_json: bytes, result_json: bytes) -> bytes:
    """The public input of a run (ADR 26): a nearest-first source loses its homes, a
    deferred-acceptance instance the metres of its priority tuples (ranks instead). Both name
    the complete input's hash, as the result does."""
    if mechanism == "nearest":
        from admissions.allocation.nearest import nearest_source_from_dict
        from admissions.allocation.public import public_document

        source = nearest_source_from_dict(json.loads(input_json))
        return canonical_json(public_document(source, json.loads(result_json)))
    from admissions.allocation.public_da import public_da_document

    input_sha256 = json.loads(result_json).get("input_sha256")
    return canonical_json(public_da_document(json.loads(input_json), input_sha256=input_sha256))


def audit_export(*, run) -> AuditExport:
    """The export of a computed run (no database query: the documents are on the run)."""
    if not run.input_document or not run.result_document:
        raise AuditUnavailable(
            "this run has no stored input; it was computed before inputs were stored or it "
            "failed: compute a new run"
        )
    result_json = gzip.decompress(bytes(run.result_document))
    input_json = gzip.decompress(bytes(run.input_document))
    # v2: DA inputs are ranked too (ADR 26); a v1 entry of a DA run is its complete input.
    key = f"audit-public-input:v2:{run.uuid}:{run.result_sha256}"
    public_json = cache.get(key)
    if public_json is None:  # seconds for a city: computed once per run
        public_json = public_input(
            mechanism=run.mechanism, input_json=input_json, result_json=result_json
        )
        cache.set(key, public_json, timeout=None)
    manifest = {
        "round": run.round.school_year,
        "stage": run.stage,
        "mechanism": run.mechanism,
        "distance_metric": run.distance_metric,
        "seed": run.seed,
        "status": run.status,
        "published_at": run.published_at.isoformat() if run.published_at else None,
        "input_sha256": run.input_sha256,
        "result_sha256": run.result_sha256,
        "coordinates_decimals": COORDINATE_DECIMALS,
        "verify": VERIFY_COMMAND,
        "public_input_sha256": hashlib.sha256(public_json).hexdigest(),
        "public_verify": PUBLIC_VERIFY_COMMAND,
    }
    return AuditExport(
        input_json=input_json,
        result_json=result_json,
        manifest=manifest,
        public_input_json=public_json,
    )
