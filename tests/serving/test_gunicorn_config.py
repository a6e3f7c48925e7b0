"""portal/gunicorn.conf.py: the worker's garbage collector does not walk the application the
master preloaded (a full collection of it took ~100 ms, measured in the load test's setting)."""

import gc
import importlib.util
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "portal" / "gunicorn.conf.py"


def load_config(monkeypatch, **env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_objects_made_before_the_fork_are_frozen(monkeypatch):
    config = load_config(monkeypatch)
    assert config.preload_app is True
    gc.unfreeze()
    try:
        config.pre_fork(server=None, worker=None)
        assert gc.get_freeze_count() > 10_000  # the loaded Django application, at least
    finally:
        gc.unfreeze()


def test_freezing_can_be_switched_off(monkeypatch):
    config = load_config(monkeypatch, GUNICORN_GC_FREEZE="0")
    gc.unfreeze()
    config.pre_fork(server=None, worker=None)
    assert gc.get_freeze_count() == 0
