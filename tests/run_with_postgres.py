"""Run pytest on a throwaway PostgreSQL cluster when initdb and pg_ctl exist, else on SQLite.

Under CI=true PostgreSQL is mandatory. A DATABASE_URL already set in the environment is used as is.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pgcluster import available, throwaway_cluster  # noqa: E402


def main(args: list[str]) -> int:
    env = dict(os.environ)
    pytest = [sys.executable, "-m", "pytest", *args]
    if env.get("DATABASE_URL"):
        print(f"Tests on the DATABASE_URL from the environment ({env['DATABASE_URL'].split('@')[-1]}).")
        return subprocess.call(pytest, cwd=ROOT, env=env)
    if not available():
        if env.get("CI") == "true":
            print("CI=true but PostgreSQL's server binaries (initdb, pg_ctl) are missing.", file=sys.stderr)
            return 2
        print("PostgreSQL server binaries not found: running on SQLite (PostgreSQL-only tests are skipped).")
        return subprocess.call(pytest, cwd=ROOT, env=env)
    with throwaway_cluster() as url:
        env["DATABASE_URL"] = url
        return subprocess.call(pytest, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
