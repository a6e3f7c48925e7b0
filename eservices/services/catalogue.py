"""Writes for the procedure catalogue: loading the real procedures, and revising a version.

The catalogue is data. A change of what a procedure asks or costs never edits a version in
place: it creates the next version, so a dossier keeps the rules it was submitted under.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _
from jsonschema.exceptions import SchemaError

from portal.core.exceptions import InvalidInput

from .. import schema_forms
from ..constants import ServiceLevel
from ..models import Procedure, ProcedureVersion

VERSIONED_FIELDS = (
    "name_vi", "name_en", "summary_vi", "summary_en", "legal_basis", "steps",
    "required_documents", "form_schema", "fee_vnd", "fee_note_vi", "fee_note_en",
    "deadline_working_days", "deadline_rules", "level", "partial_reason", "result_template",
)  # fmt: skip


def _check_version_values(values: dict) -> None:
    values["form_schema"] = schema_forms.with_field_order(values["form_schema"])
    try:
        schema_forms.check_schema(values["form_schema"])
    except SchemaError as exc:
        raise InvalidInput(_("The form schema is not valid: %(reason)s") % {"reason": exc.message},
                           field="form_schema") from exc  # fmt: skip
    if Decimal(values["fee_vnd"]) < 0:
        raise InvalidInput(_("A fee cannot be negative."), field="fee_vnd")
    if values["level"] == ServiceLevel.PARTIAL and not values.get("partial_reason", "").strip():
        raise InvalidInput(_("Publish the reason why this procedure is only partially online."),
                           field="partial_reason")  # fmt: skip
    codes = [d.get("code") for d in values.get("required_documents", [])]
    if len(codes) != len(set(codes)) or not all(codes):
        raise InvalidInput(_("Each required document needs its own code."),
                           field="required_documents")  # fmt: skip


@transaction.atomic
def procedure_version_revise(
    *, version: ProcedureVersion, changes: dict, actor=None, catalogue_revision: int | None = None
) -> ProcedureVersion:
    """The next version of a procedure with `changes` applied; the same version when nothing
    changed."""
    Procedure.objects.select_for_update().get(pk=version.procedure_id)
    values = {field: getattr(version, field) for field in VERSIONED_FIELDS}
    values.update({k: v for k, v in changes.items() if k in VERSIONED_FIELDS})
    _check_version_values(values)
    if all(values[f] == getattr(version, f) for f in VERSIONED_FIELDS):
        return version
    latest = version.procedure.versions.order_by("-number").first()
    return ProcedureVersion.objects.create(
        procedure=version.procedure, number=latest.number + 1, created_by=actor,
        catalogue_revision=catalogue_revision
        if catalogue_revision is not None else latest.catalogue_revision,
        **values,
    )  # fmt: skip


def _handler_group(name: str) -> Group:
    group, _created = Group.objects.get_or_create(name=name)
    group.permissions.add(Permission.objects.get(codename="handle_dossier"))
    return group


def _version_values(item: dict) -> dict:
    values = {field: item.get(field, "") for field in VERSIONED_FIELDS}
    values.update(
        steps=item.get("steps", []),
        required_documents=item.get("required_documents", []),
        deadline_rules=item.get("deadline_rules", []),
        fee_vnd=Decimal(item.get("fee_vnd", 0)),
    )
    return values


@transaction.atomic
def catalogue_load(path: Path) -> dict[str, int]:
    """Load the catalogue file idempotently. A procedure is created once; a later revision of
    the file becomes a new version; staff edits of the same revision are kept."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    revision = int(document["revision"])
    group = _handler_group(document["handler_group"])
    counts = {"created": 0, "revised": 0, "unchanged": 0}
    for item in document["procedures"]:
        values = _version_values(item)
        procedure, created = Procedure.objects.get_or_create(
            code=item["code"], defaults={"handler_group": group}
        )
        current = procedure.current_version
        if created or current is None:
            _check_version_values(values)
            ProcedureVersion.objects.create(procedure=procedure, number=1,
                                            catalogue_revision=revision, **values)  # fmt: skip
            counts["created"] += 1
        elif current.catalogue_revision < revision:
            procedure_version_revise(version=current, changes=values, catalogue_revision=revision)
            counts["revised"] += 1
        else:
            counts["unchanged"] += 1
    return counts
