"""Run by test_sqlite_enrolments: 20 people enrolling at once into 5 seats on the zero-setup SQLite database
(make run), in a process of its own (the suite's database is PostgreSQL). Prints confirmed, waitlisted, errors."""

import os
import sys
import threading

import django

os.environ["DATABASE_URL"] = f"sqlite:///{sys.argv[1]}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.core.management import call_command  # noqa: E402 -- after django.setup()
from django.db import connection  # noqa: E402

from formation import services  # noqa: E402
from formation.models import Enrolment  # noqa: E402
from tests.factories import EmployeeFactory, MembershipFactory, MemberUserFactory, OrganisationFactory  # noqa: E402
from tests.formation.factories import SessionFactory  # noqa: E402

call_command("migrate", verbosity=0)
organisations = [OrganisationFactory() for _ in range(20)]
users, employees = [], []
for organisation in organisations:
    MembershipFactory(organisation=organisation)
    users.append(MemberUserFactory(organisation=organisation).user)
    employees.append(EmployeeFactory(organisation=organisation))
session = SessionFactory(capacity=5)
connection.close()
errors, start = [], threading.Barrier(len(users))


def enrol(user, employee):
    try:
        start.wait()
        services.enrol_employees(session_id=session.pk, employee_ids=[employee.pk], by=user)
    except Exception as error:  # noqa: BLE001 -- counted and printed: the test asserts there is none
        errors.append(f"{type(error).__name__}: {error}")
    finally:
        connection.close()


threads = [threading.Thread(target=enrol, args=pair) for pair in zip(users, employees, strict=True)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
statuses = list(Enrolment.objects.filter(session=session).values_list("status", flat=True))
print(statuses.count("confirmed"), statuses.count("waitlisted"), len(errors), errors[:3])
