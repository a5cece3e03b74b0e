"""A real, throw-away PostgreSQL 15 server for the tests (and for trying things by hand).

Debian's ``postgresql`` package provides the binaries (``/usr/lib/postgresql/15/bin``; CI
installs the package, ``.ci/run``). The server refuses to run as root, so as root it is run as
the ``postgres`` user (``runuser``) in a temporary folder it owns. It listens on 127.0.0.1
only, on a free port, with our own ``pg_hba.conf``: every TCP connection authenticates with
SCRAM-SHA-256 (the bootstrap superuser ``postgres`` too, with a random password), so sign-in
is really tested; no other host line, no trust. The Unix socket lives in the temporary folder.

By hand::

    python tests/pg_server.py          # starts one, prints its URL, stops it on Enter
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from reviewer_gui.store.postgres.ddl import ident, role_prefix, security_statements
from reviewer_gui.store.postgres.signin import database_grants

BIN = Path(os.environ.get("RECIST_PG_BIN", "/usr/lib/postgresql/15/bin"))
HBA = """\
# recist tests: loopback only, SCRAM-SHA-256 for every role; no trust, no other host.
local   all  all                 scram-sha-256
host    all  all  127.0.0.1/32   scram-sha-256
"""


class ServerUnavailable(RuntimeError):
    """PostgreSQL could not be started here (the message says what is missing)."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One cluster in a temporary folder: :meth:`start`, then :attr:`url`, then :meth:`stop`."""

    def __init__(self, *, durable: bool = False) -> None:
        """``durable``: fsync as a real server does (benchmarks); tests skip the syncs."""
        self.durable = durable
        self.folder = Path(tempfile.mkdtemp(prefix="recist-pg-"))
        self.password = secrets.token_urlsafe(18)
        self.port = 0
        self._started = False

    @property
    def url(self) -> str:
        """The bootstrap superuser's URL (database ``postgres``)."""
        return f"postgresql://postgres:{self.password}@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120,
                              check=False, cwd=self.folder)  # fmt: skip

    def start(self) -> str:
        if not (BIN / "initdb").is_file():
            raise ServerUnavailable(f"no PostgreSQL binaries in {BIN}: apt-get install "
                                    "postgresql (Debian 12: PostgreSQL 15)")  # fmt: skip
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self.folder.chmod(0o700)
        (self.folder / "sock").mkdir()
        pwfile = self.folder / "pw"
        pwfile.write_text(self.password + "\n")
        if os.geteuid() == 0:
            for path in (self.folder / "sock", pwfile):
                shutil.chown(path, "postgres", "postgres")
        data = self.folder / "data"
        done = self._run(str(BIN / "initdb"), "-N", "-D", str(data), "-U", "postgres",
                         "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8",
                         "--locale=C.UTF-8")  # fmt: skip
        pwfile.unlink()
        if done.returncode != 0:
            raise ServerUnavailable(f"initdb failed: {done.stderr.strip()[-400:]}")
        (data / "pg_hba.conf").write_text(HBA)
        with (data / "postgresql.conf").open("a") as conf:
            conf.write("\npassword_encryption = 'scram-sha-256'\nlog_min_messages = warning\n"
                       + ("" if self.durable else "fsync = off\n"))  # fmt: skip
        for attempt in range(5):
            self.port = _free_port()
            done = self._run(str(BIN / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "log"),
                             "-w", "-t", "60", "-o", f"-p {self.port} -c listen_addresses=127.0.0.1"
                             f" -k {self.folder / 'sock'}", "start")  # fmt: skip
            if done.returncode == 0:
                self._started = True
                return self.url
            if attempt == 4:
                log = (self.folder / "log").read_text(errors="replace")[-600:]
                raise ServerUnavailable(f"pg_ctl start failed: {done.stderr.strip()} {log}")
        raise AssertionError("unreachable")

    def restart(self, mode: str = "immediate") -> None:
        """Restart the server on the same port (``immediate``: as after a crash, every
        session cut, the recovery replaying the WAL); waits until it accepts connections."""
        done = self._run(str(BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-l",
                         str(self.folder / "log"), "-m", mode, "-w", "-t", "60",
                         "restart")  # fmt: skip
        if done.returncode != 0:
            raise ServerUnavailable(f"pg_ctl restart failed: {done.stderr.strip()}")

    def stop(self) -> None:
        if self._started:
            self._run(str(BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w",
                      "stop")  # fmt: skip
            self._started = False
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass(frozen=True)
class PgDatabase:
    """A fresh, empty database: ``url`` with the bootstrap credentials, ``location`` the
    project's URL as users give it (no credentials)."""

    url: str
    location: str
    name: str


def with_database(url: str, name: str, *, credentials: bool = True) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc if credentials else parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, f"/{name}", parts.query, ""))


def new_database(postgres_url: str, prefix: str = "t") -> PgDatabase:
    """A new, empty database on the server of ``postgres_url`` (its project, once made, is
    dropped with :func:`drop_project`)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {ident(name)}")
    return PgDatabase(with_database(postgres_url, name),
                      with_database(postgres_url, name, credentials=False), name)  # fmt: skip


def drop_project(postgres_url: str, name: str) -> None:
    prefix = role_prefix(name)
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {ident(name)} WITH (FORCE)")
        groups = [f"{prefix}_{g}" for g in ("reader", "adjudicator", "administrator", "member")]
        logins = [r[0] for r in admin.execute(
            "SELECT DISTINCT u.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = "
            "m.roleid JOIN pg_roles u ON u.oid = m.member WHERE g.rolname = ANY(%s) AND "
            "NOT u.rolsuper AND u.rolname <> ALL(%s)", (groups, groups))]  # fmt: skip
        for role in [*logins, *groups, f"{prefix}_owner"]:
            admin.execute(f"DROP ROLE IF EXISTS {ident(role)}")


def copy_database(postgres_url: str, template: str, name: str) -> None:
    """``name``, a copy of the project database ``template`` (no session may be connected to
    it), with the project's database-wide grants (a copy starts with PUBLIC's defaults)."""
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {ident(name)} TEMPLATE {ident(template)}")
    with psycopg.connect(with_database(postgres_url, name), autocommit=True) as copy:
        row = copy.execute("SELECT role_prefix FROM recist.store_version").fetchone()
        assert row is not None
        for statement in [*security_statements(row[0], name), *database_grants(name)]:
            if " ON DATABASE " in statement:
                copy.execute(statement)  # type: ignore[call-overload]


def project_logins(postgres_url: str, database: str) -> set[str]:
    """The login roles of the project in ``database`` (members of its groups)."""
    with psycopg.connect(with_database(postgres_url, database), autocommit=True) as admin:
        prefix = admin.execute("SELECT role_prefix FROM recist.store_version").fetchone()
    assert prefix is not None
    groups = [f"{prefix[0]}_{g}" for g in ("reader", "adjudicator", "administrator", "member")]
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        return {r[0] for r in admin.execute(
            "SELECT DISTINCT u.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = "
            "m.roleid JOIN pg_roles u ON u.oid = m.member WHERE g.rolname = ANY(%s) AND "
            "u.rolcanlogin IS NOT NULL AND NOT u.rolsuper AND u.rolname <> ALL(%s)",
            (groups, groups))}  # fmt: skip


if __name__ == "__main__":
    server = PostgresServer()
    try:
        print(server.start(), flush=True)
        input("running; Enter stops it\n")
    finally:
        server.stop()
