"""Idempotent demo data: run it twice, get the same data once."""

import importlib
import random
import time

from django.apps import apps
from django.core.management.base import BaseCommand
from tqdm import tqdm

from core.models import User
from core.roles import Role
from core.services import create_user

PASSWORD = "demo"  # noqa: S105 -- the documented demo password, for demo accounts only
STAFF_ACCOUNTS = [
    ("admin", Role.ADMIN, "Alice", "Administratrice"),
    ("formation", Role.TRAINING, "Fanny", "Chargée de formation"),
    ("formateur", Role.TRAINER, "Marc", "Formateur"),
    ("finance", Role.FINANCE, "Nora", "Responsable financière"),
]


class Command(BaseCommand):
    help = "Load demo data (idempotent). --scale full gives the federation's real size."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["demo", "full"], default="demo")
        parser.add_argument("--seed", type=int, default=2026, help="random seed, for reproducible data")

    def handle(self, *args, scale: str, seed: int, **options):
        started = time.monotonic()
        rng = random.Random(seed)
        for username, role, first_name, last_name in STAFF_ACCOUNTS:
            if not User.objects.filter(username=username).exists():
                create_user(
                    username=username, email=f"{username}@coorace.example.org", password=PASSWORD, role=role,
                    first_name=first_name, last_name=last_name,
                )

        def progress(items):
            return tqdm(items, desc="Salariés", unit=" adhérents", disable=options["verbosity"] == 0)

        # Each app may have a `demo` module; apps are seeded in INSTALLED_APPS order (their dependency order).
        for app in apps.get_app_configs():
            try:
                demo = importlib.import_module(f"{app.name}.demo")
            except ModuleNotFoundError as missing:
                if missing.name != f"{app.name}.demo":
                    raise
                continue
            summary = demo.seed(scale=scale, rng=rng, password=PASSWORD, progress=progress)
            self.stdout.write(f"  {app.verbose_name} : {summary}")
        self.stdout.write(self.style.SUCCESS(
            f"Données de démonstration prêtes ({scale}), en {time.monotonic() - started:.1f} s."
        ))
