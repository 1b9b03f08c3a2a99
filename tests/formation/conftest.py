import pytest
from django.db import connection


@pytest.fixture(params=["server", "python"])
def enrol_implementation(request, settings):
    """Run a test with each version of the enrolment: formation_enrol() on PostgreSQL (migration 0003), and the
    ORM version (SQLite's, and the reference for the first)."""
    if request.param == "server" and connection.vendor != "postgresql":
        pytest.skip("formation_enrol() exists on PostgreSQL only")
    settings.FORMATION_ENROL_ON_SERVER = request.param == "server"
    return request.param
