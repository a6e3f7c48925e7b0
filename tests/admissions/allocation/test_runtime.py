"""The engine's process settings (ADR 28): numpy without huge-page advice unless the
environment chose, set by the CLI and the Celery worker."""

from __future__ import annotations

import pytest
from celery.signals import worker_init, worker_process_init
from numpy._core.multiarray import _get_madvise_hugepage, _set_madvise_hugepage

from admissions.allocation import cli
from admissions.allocation.runtime import HUGEPAGE_VARIABLE, engine_process_setup


@pytest.fixture
def advice():
    before = _get_madvise_hugepage()
    yield
    _set_madvise_hugepage(before)


def test_setup_turns_the_advice_off(advice, monkeypatch):
    monkeypatch.delenv(HUGEPAGE_VARIABLE, raising=False)
    _set_madvise_hugepage(True)
    assert engine_process_setup() is False
    assert not _get_madvise_hugepage()
    assert engine_process_setup() is False  # idempotent


@pytest.mark.parametrize("on", [True, False])
def test_a_choice_in_the_environment_is_left_alone(advice, monkeypatch, on):
    monkeypatch.setenv(HUGEPAGE_VARIABLE, "1" if on else "0")
    _set_madvise_hugepage(on)
    assert engine_process_setup() is on
    assert bool(_get_madvise_hugepage()) is on


def test_the_cli_sets_it_up(advice, monkeypatch, tmp_path, capsys):
    monkeypatch.delenv(HUGEPAGE_VARIABLE, raising=False)
    _set_madvise_hugepage(True)
    source = tmp_path / "instance.json"
    source.write_text(
        '{"schools": [{"id": "S1", "capacity": 1}], "children": [{"id": "C1", '
        '"choices": ["S1"], "priority": {"S1": [1, 0, 300]}, "lottery": 0.5}]}'
    )
    assert cli.main(["solve", str(source), "-o", "-"]) == 0
    assert not _get_madvise_hugepage()


def test_the_worker_sets_it_up():
    import portal.celery as celery_module

    handler = celery_module._engine_process_setup
    for signal in (worker_init, worker_process_init):
        assert handler in [ref() for _, ref in signal.receivers]  # weak references
