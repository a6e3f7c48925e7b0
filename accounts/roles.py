"""The portal's staff roles as Django groups with their permissions (`manage.py setup_roles`).

Public visitors and parents/citizens need no group: they reach only public pages and their own
records. Object-level limits (own school, own round) come from StaffScope rows and are applied
by the selectors (admissions.selectors.staff_*). The admin's model "view" permissions are not
scoped, so only the education office (which reads everything anyway) holds them."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

ROLES: dict[str, tuple[str, ...]] = {
    # Receives and checks the applications naming the school (StaffScope.school).
    "Văn thư trường": ("admissions.review_application",),
    # Reviews and allocates its round (StaffScope.round).
    "Hội đồng tuyển sinh": ("admissions.review_application", "admissions.run_allocation"),
    # Handles e-service dossiers (the procedure's handler group adds which) and revocations.
    "Cán bộ dịch vụ công": ("eservices.handle_dossier", "documents.revoke_issueddocument"),
    # The school's accountant: refunds and bank-statement reconciliation across all payments
    # (a school-wide duty, so not given to officers who handle only some procedures).
    "Kế toán": ("payments.manage_payments",),
    # The school's indicators and surveys (StaffScope.school).
    # The school's indicators, surveys and the applications that chose it (read-only).
    "Hiệu trưởng": (
        "kpi.view_dashboard", "surveys.view_survey", "admissions.view_school_applications",
    ),
    # Commune / city education office: reads everything, statistics.
    "Cán bộ phòng giáo dục": (
        "accounts.view_all_records", "admissions.view_application", "eservices.view_dossier",
        "kpi.view_dashboard", "surveys.view_survey",
    ),
    # Accounts, roles and the audit trail (the second factor is mandatory for all staff).
    "Quản trị hệ thống": (
        "auth.view_user", "auth.add_user", "auth.change_user", "auth.view_group",
        "auth.change_group", "accounts.view_staffscope", "accounts.add_staffscope",
        "accounts.change_staffscope", "accounts.delete_staffscope", "audit.view_auditentry",
    ),
}  # fmt: skip


def _permission(name: str) -> Permission:
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def roles_ensure() -> dict[str, int]:
    """Create or update the groups; a group's permissions become exactly its role's."""
    counts = {}
    for name, permissions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = {_permission(p).pk for p in permissions}
        current = set(group.permissions.values_list("pk", flat=True))
        if wanted - current:
            group.permissions.add(*(wanted - current))
        if current - wanted:
            group.permissions.remove(*(current - wanted))
        counts[name] = len(wanted)
    return counts
