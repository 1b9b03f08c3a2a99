import os
import shutil

import pytest
from django.db import connection

from core.roles import Role
from tests.factories import MembershipFactory, MemberUserFactory, OrganisationFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django must still allow DB access there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI") == "true"


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def require(available: bool, reason: str) -> None:
    """Skip with the reason on a laptop that lacks a tool; fail in CI, where it is mandatory."""
    if not available:
        if IN_CI:
            pytest.fail(f"{reason} (mandatory under CI=true)")
        pytest.skip(reason)


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    where = database.get("HOST") or database["NAME"]
    return [
        f"database: {connection.vendor} ({where}:{database.get('PORT') or ''})",
        f"chromium: {chromium_path() or 'not found (e2e tests skipped)'}",
        f"redis-server: {shutil.which('redis-server') or 'not found (celery tests skipped)'}",
    ]


def pytest_configure(config):
    if IN_CI and connection.vendor != "postgresql":
        raise pytest.UsageError("CI=true: the suite must run on PostgreSQL (see tests/run_with_postgres.py).")


def pytest_collection_modifyitems(config, items):
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run `make test` where initdb and pg_ctl exist")
    for item in items:
        if "postgresql" in item.keywords or "concurrency" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: cached reference data (the catalogue's filter lists) would
    otherwise outlive the rolled-back rows of the test that read them."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def organisation(db):
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation)
    return organisation


@pytest.fixture
def other_organisation(db):
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation)
    return organisation


@pytest.fixture
def hr_user(organisation):
    return MemberUserFactory(organisation=organisation, user__username="rh").user


@pytest.fixture
def other_hr_user(other_organisation):
    return MemberUserFactory(organisation=other_organisation, user__username="rh2").user


@pytest.fixture
def staff_user(db):
    return UserFactory(username="formation", role=Role.TRAINING)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=Role.ADMIN, is_superuser=True, is_staff=True)


@pytest.fixture
def hr_client(client, hr_user):
    client.force_login(hr_user)
    return client
