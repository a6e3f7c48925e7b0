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


WARM_UP_PROBE = """
import sys
import django
django.setup()
before = {name for name in ("portal.urls", "admissions.api.views", "admissions.tasks")
          if name in sys.modules}
from portal.celery import app
finalized_before = app.finalized
import importlib.util
spec = importlib.util.spec_from_file_location("conf", sys.argv[1])
conf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(conf)
conf.pre_fork(server=None, worker=None)
after = {name for name in ("portal.urls", "admissions.api.views", "admissions.tasks")
         if name in sys.modules}
from django.db import connections
opened = [alias for alias in connections if connections[alias].connection is not None]
print(sorted(before), sorted(after), finalized_before, app.finalized, opened)
"""


def run_probe(**env):
    import os
    import subprocess
    import sys

    completed = subprocess.run(
        [sys.executable, "-c", WARM_UP_PROBE, str(CONF)],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return completed.stdout.strip().splitlines()[-1]


def test_the_master_imports_what_first_requests_would_before_forking():
    # A fresh interpreter: in this one the test client has long imported the URLconf.
    assert run_probe() == (
        "[] ['admissions.api.views', 'admissions.tasks', 'portal.urls'] False True []"
    )


def test_the_warm_up_can_be_switched_off():
    assert run_probe(GUNICORN_WARM_UP="0") == "[] [] False False []"


def test_connections_per_process_follow_the_environment(monkeypatch):
    assert load_config(monkeypatch).worker_connections == 1000
    assert load_config(monkeypatch, GUNICORN_WORKER_CONNECTIONS="12").worker_connections == 12
