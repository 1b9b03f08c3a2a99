"""Run pytest on a throwaway PostgreSQL cluster when initdb and pg_ctl exist, else on SQLite.

The cluster lives in a temporary folder, listens on a free loopback port, and is removed
afterwards. initdb refuses to run as root, so as root the cluster runs as the `postgres`
system user (through runuser). Under CI=true, PostgreSQL is mandatory.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLUSTER_USER = "postgres"


def find_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    return str(candidates[0]) if candidates else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_cluster_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", CLUSTER_USER, "--", *command]


def start_cluster(initdb: str, pg_ctl: str) -> tuple[str, Path]:
    folder = Path(tempfile.mkdtemp(prefix="coorace-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, user=CLUSTER_USER)
    folder.chmod(0o700)
    subprocess.run(
        as_cluster_user([initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                         "--locale=C", "--no-sync"]),
        check=True, stdout=subprocess.DEVNULL,
    )
    port = free_port()
    options = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
               "-c full_page_writes=off -c max_connections=200 -c shared_buffers=256MB")
    subprocess.run(
        as_cluster_user([pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "server.log"), "-w", "start"]),
        check=True, stdout=subprocess.DEVNULL,
    )
    return f"postgres://postgres@127.0.0.1:{port}/coorace", folder


def stop_cluster(pg_ctl: str, folder: Path) -> None:
    subprocess.run(
        as_cluster_user([pg_ctl, "-D", str(folder / "data"), "-m", "immediate", "stop"]),
        check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    shutil.rmtree(folder, ignore_errors=True)


def main(args: list[str]) -> int:
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    env = dict(os.environ)
    pytest = [sys.executable, "-m", "pytest", *args]
    if os.environ.get("DATABASE_URL"):
        print(f"Tests on DATABASE_URL from the environment: {os.environ['DATABASE_URL'].split('@')[-1]}")
        return subprocess.call(pytest, cwd=ROOT, env=env)
    if not (initdb and pg_ctl):
        if os.environ.get("CI") == "true":
            print("CI=true but PostgreSQL's server binaries (initdb, pg_ctl) are missing.", file=sys.stderr)
            return 2
        print("PostgreSQL server binaries not found: running on SQLite (PostgreSQL-only tests are skipped).")
        return subprocess.call(pytest, cwd=ROOT, env=env)
    url, folder = start_cluster(initdb, pg_ctl)
    try:
        env["DATABASE_URL"] = url
        return subprocess.call(pytest, cwd=ROOT, env=env)
    finally:
        stop_cluster(pg_ctl, folder)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
