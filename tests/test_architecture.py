"""Dependency rules from docs/adr/0001: checked on the source, so a violation fails CI."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(package: str) -> dict[str, set[str]]:
    found = {}
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize("package", ["gis", "eservices", "notifications", "surveys"])
def test_gis_eservices_notifications_and_surveys_never_import_admissions(package):
    offenders = {
        path: sorted(n for n in names if n.split(".")[0] == "admissions")
        for path, names in imported_modules(package).items()
    }
    assert {p: n for p, n in offenders.items() if n} == {}


def test_allocation_engine_is_pure():
    offenders = {
        path: sorted(n for n in names if n.split(".")[0] in {"django", "rest_framework"})
        for path, names in imported_modules("admissions/allocation").items()
    }
    assert {p: n for p, n in offenders.items() if n} == {}


def test_points_are_built_only_by_the_geometry_helper():
    offenders = []
    for package in ("gis", "admissions", "accounts", "eservices", "portal"):
        for path, names in imported_modules(package).items():
            if path != "gis/geometry.py" and "django.contrib.gis.geos" in names:
                source = (ROOT / path).read_text(encoding="utf-8")
                if "import Point" in source or " Point," in source:
                    offenders.append(path)
    assert offenders == []


def test_documents_imports_none_of_the_apps_that_call_it():
    callers = {"admissions", "eservices", "surveys", "kpi"}
    offenders = {
        path: sorted(n for n in names if n.split(".")[0] in callers)
        for path, names in imported_modules("documents").items()
    }
    assert {p: n for p, n in offenders.items() if n} == {}


def _receiver_calls(call: ast.Call) -> list[ast.Call]:
    """The calls of a method chain, outermost first: a.b().c().d() → d(), c(), b()."""
    calls = []
    node = call
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        calls.append(node)
        node = node.func.value
    return calls


def test_a_row_lock_over_a_join_names_the_tables_it_locks():
    """select_for_update() with select_related() locks every joined row FOR UPDATE: the round
    or the account that each new intake or dossier refers to, which then waits for the lock.
    Each such lock says which tables it means (`of=`)."""
    offenders = set()
    for package in ("admissions", "eservices", "notifications", "privacy", "accounts", "audit"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                chain = _receiver_calls(node)
                names = {c.func.attr for c in chain}
                if "select_related" not in names:
                    continue
                for call in chain:
                    if call.func.attr == "select_for_update" and not any(
                        k.arg == "of" for k in call.keywords
                    ):
                        offenders.add(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert sorted(offenders) == []
