"""Command line for audits and independent re-verification.

::

    python -m admissions.allocation solve INSTANCE.json -o RESULT.json [--mechanism da|nearest]
    python -m admissions.allocation check INSTANCE.json RESULT.json

``solve`` with ``--mechanism da`` (default) reads a DA instance (``instance_io.py``); with
``--mechanism nearest`` it reads a nearest-first source with child/school ``lon``/``lat``
and optional ``max_distance_m`` (``nearest.py``). A malformed instance exits with code 2
and one line on stderr naming the child or school, e.g.
``child C7: choice "S9" is not a known school``.

``check`` runs the independent checker (and a re-run for the determinism check); it prints
each violation and exits 1, or prints ``OK`` and exits 0. A result of the nearest mechanism
(``"mechanism": "nearest"``) is checked against lists rebuilt independently from the
coordinates, catchments and maximum distance, and its final pass is replayed
(``checker_nearest.py``). A round measured by road carries its road metres and ``metric`` in
the input document (``road.py``), so ``check`` needs no road network. The portal's public
document of a nearest-first run (``"format": "nearest-public"``, ``public.py``) has no homes
and no metres: ``check`` verifies the result against its published lists and ranks. The public
document of a deferred-acceptance run (``"format": "da-public"``, ``public_da.py``) gives, in
the priority tuples, ranks by distance instead of metres: ``check`` verifies the result on
these priorities and re-runs deferred acceptance on them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

import msgspec
import numpy as np

from admissions.allocation.checker import Violation, check
from admissions.allocation.errors import InstanceError
from admissions.allocation.instance_io import (
    instance_from_dict,
    is_nearest_document,
    read_instance,
    read_json,
)
from admissions.allocation.lottery import lottery_disagreements
from admissions.allocation.mechanisms import solve
from admissions.allocation.runtime import engine_process_setup


class AssignmentPairs(dict):
    """A JSON object that remembers repeated keys (to detect a child seated twice)."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.pairs = pairs


def _load_source(data: Any, mechanism: str):
    if mechanism == "nearest":
        from admissions.allocation.nearest import nearest_source_from_dict

        if not is_nearest_document(data):
            raise InstanceError(
                "instance", "--mechanism nearest needs children with lon/lat and no choices"
            )
        return nearest_source_from_dict(data)
    if is_nearest_document(data):
        raise InstanceError(
            "instance", "children have coordinates but no choices; use --mechanism nearest"
        )
    return instance_from_dict(data)


def cmd_solve(args: argparse.Namespace) -> int:
    if args.mechanism == "da":
        source = read_instance(args.instance)  # typed decoding + array checks
    else:
        source = _load_source(read_json(args.instance), args.mechanism)
    result = solve(source, args.mechanism)
    document = result.to_json()
    if args.pretty:
        data = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    else:  # msgspec writes the same JSON values several times faster than json.dumps
        data = msgspec.json.encode(document)
    if args.output == "-":
        sys.stdout.buffer.write(data + b"\n")
        sys.stdout.flush()
    else:
        with open(args.output, "wb") as fh:
            fh.write(data + b"\n")
        stats = (
            f"placed {int((result.assignment >= 0).sum())}/{len(result.assignment)}, "
            f"stable={result.stable}, result_sha256={result.result_sha256}"
        )
        print(stats)
    return 0


def _load_result(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh, object_pairs_hook=AssignmentPairs)
    except json.JSONDecodeError as exc:
        raise InstanceError(
            f"file {path}", f"invalid JSON ({exc.msg} at line {exc.lineno})"
        ) from None
    except OSError as exc:
        raise InstanceError(f"file {path}", f"cannot be read ({exc.strerror})") from None


def cmd_check(args: argparse.Namespace) -> int:
    # Imported here: the public formats need the nearest-first checker, whose imports
    # (scipy.spatial, pyproj: about a third of a second) `solve` of a DA instance never uses.
    from admissions.allocation.public import (
        check_nearest_public,
        is_public_document,
        public_source_from_dict,
    )
    from admissions.allocation.public_da import (
        check_da_public,
        da_public_instance,
        is_da_public_document,
    )

    data = read_json(args.instance)
    claimed = _load_result(args.result)
    mechanism = claimed.get("mechanism") if isinstance(claimed, dict) else None
    if is_public_document(data):  # the portal's public file: ranks, no homes (ADR 26)
        source = public_source_from_dict(data)
        violations = check_nearest_public(source, claimed)
        violations += _lottery_violations(source.child_ids, source.lottery, source.seed)
    elif is_da_public_document(data):  # a DA run's public file: ranks, no metres (ADR 26)
        instance, input_sha256 = da_public_instance(data)
        violations = check_da_public((instance, input_sha256), claimed)
        if not instance.lottery_per_school:
            violations += _lottery_violations(
                instance.child_ids, _child_lottery(instance), instance.policy.seed
            )
    elif mechanism == "nearest" or is_nearest_document(data):
        from admissions.allocation.checker_nearest import check_nearest
        from admissions.allocation.nearest import nearest_source_from_dict

        source = nearest_source_from_dict(data)

        def rerun():
            return solve(source, "nearest", verify=False)

        violations = check_nearest(source, claimed, rerun=None if args.no_rerun else rerun)
        violations += _lottery_violations(source.child_ids, source.lottery, source.seed)
    else:
        instance = instance_from_dict(data)

        def rerun():
            return solve(instance, "da", verify=False)

        violations = check(
            instance,
            claimed,
            rerun=None if args.no_rerun else rerun,
        )  # the input hash is compared with the instance's (version 2 or, for old files, 1)
        if not instance.lottery_per_school:
            violations += _lottery_violations(
                instance.child_ids, _child_lottery(instance), instance.policy.seed
            )
    if violations:
        for violation in violations:
            print(violation)
        print(f"FAILED: {len(violations)} violation(s)", file=sys.stderr)
        return 1
    print("OK")
    return 0


def _child_lottery(instance) -> np.ndarray:
    values = np.full(instance.n_children, np.nan)
    ranked = instance.list_length > 0
    values[ranked] = instance.lottery[instance.choice_ptr[:-1][ranked]]
    return values


def _lottery_violations(child_ids, lottery, seed: int | None) -> list[Violation]:
    """With a seed in the document, every lottery number must be the one drawn from it."""
    if seed is None:
        return []
    wrong = lottery_disagreements(child_ids, lottery, seed)
    return (
        [
            Violation(
                "lottery_mismatch",
                f"{len(wrong)} lottery number(s) are not the ones drawn from seed {seed}, "
                f"e.g. child {wrong[0]}",
            )
        ]
        if wrong
        else []
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m admissions.allocation",
        description="Grade-1 allocation engine (DA / nearest-first)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_solve = sub.add_parser("solve", help="solve an instance")
    p_solve.add_argument("instance")
    p_solve.add_argument("-o", "--output", required=True, help="RESULT.json or - for stdout")
    p_solve.add_argument("--mechanism", choices=("da", "nearest"), default="da")
    p_solve.add_argument("--pretty", action="store_true", help="indent the JSON output")
    p_solve.set_defaults(func=cmd_solve)
    p_check = sub.add_parser("check", help="independently verify a result")
    p_check.add_argument("instance")
    p_check.add_argument("result")
    p_check.add_argument("--no-rerun", action="store_true", help="skip the re-run hash check")
    p_check.set_defaults(func=cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (2 = malformed input)."""
    args = build_parser().parse_args(argv)
    engine_process_setup()
    try:
        return args.func(args)
    except InstanceError as exc:
        print(str(exc).replace("\n", " "), file=sys.stderr)
        return 2
