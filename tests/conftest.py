"""Shared fixtures. Every database test runs on real PostGIS, with the real HCMC data loaded once
per session (rolled back per test)."""

import os

import pytest
from django.core.management import call_command

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_hcmc_data", verbosity=0)
        call_command("load_eservices_catalogue", verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def flush_past_the_audit_truncate_trigger():
    """The audit table refuses TRUNCATE (audit migration 0002). Transactional tests flush the
    database with one TRUNCATE: as the table's owner, the test database disables the trigger
    for that statement only, inside the flush's own transaction."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    trigger = "audit_entry_no_truncate"

    def sql_flush(self, style, tables, **kwargs):
        sql = original(self, style, tables, **kwargs)
        if "audit_auditentry" not in tables or not sql:
            return sql
        alter = "ALTER TABLE audit_auditentry {} TRIGGER " + trigger + ";"
        return [alter.format("DISABLE"), *sql, alter.format("ENABLE")]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


@pytest.fixture
def hcmc_data(transactional_db):
    """For live-server tests: transactional tests flush the database afterwards, so reload the
    real data when an earlier one removed it."""
    from gis.hcmc_data import hcmc_data_is_current, load_hcmc_data

    if not hcmc_data_is_current():
        load_hcmc_data()


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache: each test starts with a full allowance."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the portal's default language (Vietnamese): a test that activates
    another one (a request with Accept-Language: en, translation.activate) cannot leak it into
    the next test's assertions."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def sms_outbox():
    """The SMS the locmem backend 'sent' during this test (test settings use it)."""
    from notifications.channels import LocmemSmsBackend

    LocmemSmsBackend.outbox.clear()
    return LocmemSmsBackend.outbox


def pytest_collection_modifyitems(config, items):
    # Browser tests use a live server with a transactional database that is flushed after each
    # test; running them last keeps the session data for everything else.
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
