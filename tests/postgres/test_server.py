"""The test server is what the brief asks of a real one: loopback only, SCRAM for everyone;
and the chain's hash computed by the server is the one Python computes, whatever the text."""

from __future__ import annotations

import psycopg
import pytest
from pg_server import PgDatabase

from reviewer_gui.store.postgres import PostgresStore, scram_verifier
from reviewer_gui.store.verify import verify

from .kit import PASSWORDS, Backend


def test_the_server_listens_on_loopback_only_and_asks_scram(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        assert admin.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
        assert admin.execute("SHOW password_encryption").fetchone() == ("scram-sha-256",)
        methods = {r[0] for r in admin.execute("SELECT auth_method FROM pg_hba_file_rules")}
    assert methods == {"scram-sha-256"}


TRICKY = [
    'quote " and backslash \\ and slash /', "tab\tnewline\nreturn\rbell\x07\x1f",
    "accents é ü ß, CJK 読影, emoji 🩻, LS \u2028 PS \u2029 DEL \x7f", "", "{}[]:,",
]


@pytest.mark.parametrize("text", TRICKY)
def test_the_servers_hash_is_pythons_for_any_text(pg_database: PgDatabase, text: str) -> None:
    Backend("postgres", pg_database.location, pg_database.url).create()
    with PostgresStore.open(pg_database.location, user="alice",
                            password=PASSWORDS["alice"]) as alice:  # fmt: skip
        alice.log_action("note", "alice", case_id=text, reason=text, after={text: [{text: text}]})
    with PostgresStore.open(pg_database.location, user="ada", password=PASSWORDS["ada"]) as ada:
        report = verify(ada.database)
    assert report.problems == ()
    assert report.records == 6


def test_a_non_ascii_password_signs_in(pg_database: PgDatabase) -> None:
    from reviewer_gui.store.postgres import add_login

    Backend("postgres", pg_database.location, pg_database.url).create()
    with PostgresStore.open(pg_database.location, user="ada", password=PASSWORDS["ada"]) as ada:
        add_login(ada, "zoë", "reader", "mot de passe très-long ½")
    with PostgresStore.open(pg_database.location, user="zoë",
                            password="mot de passe très-long ½") as zoe:  # fmt: skip
        assert zoe.user == "zoë"
    assert scram_verifier("x").startswith("SCRAM-SHA-256$4096:")


def test_the_records_time_is_the_servers(pg_database: PgDatabase) -> None:
    import datetime as dt

    from reviewer_gui.store import audit

    Backend("postgres", pg_database.location, pg_database.url).create()
    with PostgresStore.open(pg_database.location, user="alice",
                            password=PASSWORDS["alice"]) as alice:  # fmt: skip
        with alice._transaction():
            seq = alice._append(audit.Entry("note", "alice", "1999-01-01T00:00:00+00:00"))
        at = alice.database.execute("SELECT at FROM audit_record WHERE seq = ?",
                                    (seq,)).fetchone()[0]  # fmt: skip
    age = dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(at)
    assert dt.timedelta(0) <= age < dt.timedelta(minutes=1)
