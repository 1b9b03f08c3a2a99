"""A throwaway PostgreSQL cluster in a temporary folder, on a free loopback port.

initdb refuses to run as root, so as root the cluster runs as the `postgres` system user.
Used by the test runner and the benchmarks.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

CLUSTER_USER = "postgres"


def find_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    return str(candidates[0]) if candidates else None


def available() -> bool:
    return bool(find_binary("initdb") and find_binary("pg_ctl"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_cluster_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", CLUSTER_USER, "--", *command]


def create_database(port: int, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@contextlib.contextmanager
def throwaway_cluster(database: str = "coorace", durable: bool = False):
    """Yield a DATABASE_URL for a fresh cluster; the cluster and its folder are gone afterwards.

    Tests skip the disk flushes of a commit (nothing in a throwaway cluster must survive a crash);
    `durable=True` keeps PostgreSQL's defaults, as production runs, for the benchmarks.
    """
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    folder = Path(tempfile.mkdtemp(prefix="coorace-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, user=CLUSTER_USER)
    folder.chmod(0o700)
    try:
        subprocess.run(
            as_cluster_user([initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                             "--locale=C", "--no-sync"]),
            check=True, stdout=subprocess.DEVNULL,
        )
        port = free_port()
        options = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200 "
                   "-c shared_buffers=256MB")
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            as_cluster_user([pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "server.log"),
                             "-w", "start"]),
            check=True, stdout=subprocess.DEVNULL,
        )
        create_database(port, database)
        yield f"postgres://postgres@127.0.0.1:{port}/{database}"
    finally:
        subprocess.run(
            as_cluster_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]),
            check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(folder, ignore_errors=True)
