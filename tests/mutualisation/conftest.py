import datetime
import itertools

import pytest
from django.utils import timezone

from core.roles import Role
from mutualisation import services
from mutualisation.models import AccountKind
from tests.factories import UserFactory
from tests.mutualisation.factories import AccountFactory, FiscalYearFactory, RuleSetFactory


@pytest.fixture
def finance_user(db):
    return UserFactory(username="finance", role=Role.FINANCE, first_name="Nora")


@pytest.fixture
def second_finance_user(db):
    return UserFactory(username="finance2", role=Role.FINANCE)


@pytest.fixture
def preparer(db):
    """Whoever prepares the commitments finance approves (four eyes)."""
    return UserFactory(username="preparer", role=Role.TRAINING)


@pytest.fixture
def finance_client(client, finance_user):
    client.force_login(finance_user)
    return client


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def fiscal_year(db, today):
    return FiscalYearFactory(year=today.year)


@pytest.fixture
def rules(db):
    return RuleSetFactory()


@pytest.fixture
def bank(fiscal_year):
    return services.fund_account(AccountKind.BANK)


@pytest.fixture
def pool(fiscal_year):
    return services.fund_account(AccountKind.FUND_AVAILABLE)


@pytest.fixture
def envelope(fiscal_year):
    return AccountFactory()


@pytest.fixture
def funded(bank, pool, finance_user, today):
    """Give the pool `cents` from outside (a grant); returns the pool, refreshed."""

    keys = itertools.count()

    def fund(cents: int):
        services.record_grant(amount=cents, date=today, label="Subvention", idempotency_key=f"grant-{next(keys)}",
                              by=finance_user)
        pool.refresh_from_db()
        return pool

    return fund


@pytest.fixture
def jan_first(today):
    return datetime.date(today.year, 1, 1)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Test users' passwords need no brute-force resistance; hashing them the slow way costs seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
