"""``python manage.py export_run RUN -o DIR``: the complete, anonymised input and the result of
an allocation run, so that anyone can re-verify it with ``python -m admissions.allocation check``.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from admissions.audit import AuditExport, AuditUnavailable, audit_export
from admissions.selectors import run_by_reference


class Command(BaseCommand):
    help = (
        "Write an allocation run's anonymised input (input.json), its result (result.json) and "
        "a manifest (hashes, seed, how to verify) to a directory."
    )

    def add_arguments(self, parser):
        parser.add_argument("run", help="Run id or UUID")
        parser.add_argument("-o", "--output", required=True, help="Directory to write to")

    def handle(self, *args, **options):
        run = run_by_reference(reference=options["run"])
        if run is None:
            raise CommandError(f"run {options['run']}: no such allocation run")
        try:
            export = audit_export(run=run)
        except AuditUnavailable as exc:
            raise CommandError(f"run {options['run']}: {exc}") from exc
        directory = Path(options["output"])
        directory.mkdir(parents=True, exist_ok=True)
        write_export(export, directory)
        self.stdout.write(
            f"wrote {directory / 'input.json'}, public-input.json, result.json and manifest.json "
            f"(input_sha256 {export.manifest['input_sha256']}, "
            f"result_sha256 {export.manifest['result_sha256']})"
        )
        self.stdout.write(f"verify: {export.manifest['verify']}")


def write_export(export: AuditExport, directory: Path) -> None:
    (directory / "input.json").write_bytes(export.input_json)
    (directory / "public-input.json").write_bytes(export.public_input_json)
    (directory / "result.json").write_bytes(export.result_json)
    (directory / "manifest.json").write_text(
        json.dumps(export.manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
