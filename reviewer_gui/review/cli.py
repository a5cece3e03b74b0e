"""``recist-review users`` and ``recist-review audit``: the study administrator's commands.

``users add PROJECT.db NAME --role ROLE`` adds a user (the first user of a new project is its
study administrator and creates the file; later ones need ``--admin NAME`` and that
administrator's password); ``users list PROJECT.db`` lists names, roles and status (locked,
must change password); ``users passwd|reset|unlock|lockout`` are in
``reviewer_gui.review.accounts_cli``.
``audit verify PROJECT.db`` recomputes the hash chain and compares it with the tables, the
image files with their recorded SHA-256 and the e-signature receipts with the chain (exit 1
naming the first broken record; ``reviewer_gui.review.audit_cli``); ``--head SEQ:HASH`` checks a
head kept outside the project, ``--audit-key-file`` the seals. ``audit receipts PROJECT.db
--file PATH`` sets where e-signatures write their receipts. ``audit export PROJECT.db -o
trail.csv`` writes the trail.

Passwords are asked for on the terminal, or read one per line from standard input with
``--password-stdin`` (the administrator's first, then the new user's). The audit key is read
from ``--audit-key-file`` or the file named by ``RECIST_REVIEW_AUDIT_KEY_FILE``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reviewer_gui.review.session import Session
    from reviewer_gui.store import ProjectStore

KEY_VARIABLE = "RECIST_REVIEW_AUDIT_KEY_FILE"


def project_location(text: str) -> str | Path:
    """A project argument: a PostgreSQL URL as given, anything else a file's path."""
    from reviewer_gui.store import is_postgres_url

    return text if is_postgres_url(text) else Path(text)
ROLES = ("reader", "adjudicator", "administrator")


def add_review_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``users`` and ``audit`` to ``recist-review``."""
    users = commands.add_parser("users", help="the study's users (study administrator)")
    users_commands = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    add = users_commands.add_parser("add", help="add a reader, adjudicator or administrator")
    add.add_argument("project", type=project_location, help="reading project file, or "
                     "postgresql://HOST:PORT/DBNAME (created for its first user, the study "
                     "administrator)")  # fmt: skip
    add.add_argument("name", help="the user's sign-in name (one word, never reused)")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--admin", help="the study administrator adding the user")
    _secrets(add)
    add.set_defaults(handler=_guarded(_users_add))
    listing = users_commands.add_parser("list", help="list the users, their roles and status")
    listing.add_argument("project", type=project_location,
                         help="reading project file or PostgreSQL URL")
    listing.add_argument("--admin", help="the study administrator (a PostgreSQL project)")
    _secrets(listing)
    listing.set_defaults(handler=_guarded(_users_list))
    from reviewer_gui.review.accounts_cli import add_account_commands

    add_account_commands(users_commands)

    audit = commands.add_parser("audit", help="check or export the audit trail")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = audit_commands.add_parser(
        "verify", help="recompute the hash chain; exit 1 naming the first broken record")
    verify.add_argument("project", type=project_location,
                        help="reading project file or PostgreSQL URL")
    verify.add_argument("--admin", help="the study administrator (a PostgreSQL project)")
    verify.add_argument("--head", metavar="SEQ:HASH",
                        help="a head printed earlier and kept outside the project")
    verify.add_argument("--receipts", type=Path, metavar="FILE",
                        help="the e-signature receipts file (default: the project's setting, "
                        "else PROJECT.db.receipts)")  # fmt: skip
    verify.add_argument("--skip-images", action="store_true",
                        help="do not check the image files against their recorded SHA-256")
    _secrets(verify)
    verify.set_defaults(handler=_guarded(_audit_verify))
    receipts = audit_commands.add_parser(
        "receipts", help="set the file every e-signature writes its receipt to (study "
        "administrator; keep it outside the project)")  # fmt: skip
    receipts.add_argument("project", type=project_location,
                          help="reading project file or PostgreSQL URL")
    receipts.add_argument("--file", type=Path, required=True, help="the receipts file")
    receipts.add_argument("--admin", required=True, help="the study administrator")
    _secrets(receipts)
    receipts.set_defaults(handler=_guarded(_audit_receipts))
    export = audit_commands.add_parser("export", help="write the audit trail as CSV")
    export.add_argument("project", type=project_location,
                        help="reading project file or PostgreSQL URL")
    export.add_argument("-o", "--output", type=Path, required=True, help="output CSV")
    export.add_argument("--admin", help="the study administrator (needed once there are users)")
    _secrets(export)
    export.set_defaults(handler=_guarded(_audit_export))
    migrate = commands.add_parser("migrate", help="copy a project file with its whole history "
                                  "into an empty PostgreSQL database")  # fmt: skip
    migrate.add_argument("project", type=Path, help="reading project file (PROJECT.db)")
    migrate.add_argument("url", help="postgresql://USER@HOST:PORT/DBNAME of an empty database "
                         "(a role that may create roles, e.g. the core lab's DBA account)")
    migrate.set_defaults(handler=_guarded(_migrate))
    upgrade = commands.add_parser("upgrade", help="upgrade a PostgreSQL project of an older "
                                  "schema in place (the account that created it)")  # fmt: skip
    upgrade.add_argument("project", type=project_location, help="postgresql://USER@HOST:PORT/"
                         "DBNAME as the account that created the project (its password in "
                         "PGPASSWORD or ~/.pgpass)")  # fmt: skip
    upgrade.set_defaults(handler=_guarded(_upgrade))
    images = commands.add_parser("images", help="record where a PostgreSQL project's images "
                                 "are (study administrator; one setting, recorded once)")
    images.add_argument("project", type=project_location, help="postgresql://HOST:PORT/DBNAME")
    images.add_argument("folder", type=Path, help="absolute folder every reader's machine "
                        "reaches (e.g. a shared drive); the series folders are relative to it")
    images.add_argument("--admin", required=True, help="the study administrator")
    _secrets(images)
    images.set_defaults(handler=_guarded(_images))
    from reviewer_gui.review.adjudication_cli import add_adjudication_commands

    add_adjudication_commands(commands)


def _secrets(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--password-stdin", action="store_true",
                        help="read passwords from standard input, one per line")
    parser.add_argument("--audit-key-file", type=Path,
                        help=f"the audit key (HMAC) kept apart; default: ${KEY_VARIABLE}")


def _guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from reviewer_gui.review import AuthenticationFailed, NotPermitted
        from reviewer_gui.store import StoreError
        from reviewer_gui.store.verify import AuditUnreadable

        try:
            return handler(args)
        except (AuthenticationFailed, NotPermitted, AuditUnreadable, StoreError,
                ValueError) as error:  # fmt: skip
            print(f"recist-review: {error}", file=sys.stderr)
            return 2

    return run


def _audit_key(args: argparse.Namespace) -> bytes | None:
    path = getattr(args, "audit_key_file", None) or (Path(os.environ[KEY_VARIABLE])
                                   if os.environ.get(KEY_VARIABLE) else None)  # fmt: skip
    if path is None:
        return None
    try:
        key = path.read_bytes().strip()
    except OSError as error:
        raise ValueError(f"{path}: cannot read the audit key ({error.strerror})") from error
    if len(key) < 32:
        raise ValueError(f"{path}: an audit key needs at least 32 bytes (e.g. 64 hex digits "
                         "from `python -c 'import secrets; print(secrets.token_hex(32))'`)")
    return key


def _passwords(args: argparse.Namespace) -> Iterator[str]:
    """Passwords in the order asked: from standard input, or from the terminal."""
    if args.password_stdin:
        for line in sys.stdin:
            yield line.rstrip("\r\n")
        raise ValueError("--password-stdin: standard input ended before every password")
    import getpass

    while True:
        yield getpass.getpass("password: ")


def _users_add(args: argparse.Namespace) -> int:
    from reviewer_gui.review import Role, add_user, authenticate
    from reviewer_gui.store import Store

    passwords = _passwords(args)
    if isinstance(args.project, str):  # a PostgreSQL URL
        from reviewer_gui.review.server_cli import users_add

        return users_add(args, passwords)
    with Store.open(args.project, audit_key=_audit_key(args)) as store:
        admin = None
        if store.users():
            if not args.admin:
                raise ValueError("the project has users: say which administrator adds this "
                                 "one (--admin NAME)")  # fmt: skip
            admin = authenticate(store, args.admin, next(passwords), action="sign-in")
        elif args.admin:
            raise ValueError("the project has no user yet: add its study administrator first "
                             "(without --admin)")  # fmt: skip
        password = next(passwords)
        if not args.password_stdin and next(passwords) != password:
            raise ValueError("the two passwords differ: nothing added")
        add_user(store, args.name, Role(args.role), password, by=admin)
    print(f"recist-review: {args.role} {args.name} added to {args.project}", file=sys.stderr)
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from reviewer_gui.review.server_cli import migrate

    return migrate(args)


def _upgrade(args: argparse.Namespace) -> int:
    from reviewer_gui.review.server_cli import upgrade

    return upgrade(args)


def _images(args: argparse.Namespace) -> int:
    if not isinstance(args.project, str):
        raise ValueError(f"{args.project}: a project file's images are in its own folder "
                         "(images/ beside it): only a PostgreSQL project records a folder")
    from reviewer_gui.review.server_cli import record_images

    return record_images(args, _passwords(args))


def _users_list(args: argparse.Namespace) -> int:
    from reviewer_gui.store import Store

    if isinstance(args.project, str):  # a PostgreSQL URL
        from reviewer_gui.review.server_cli import users_list

        return users_list(args, _passwords(args))

    with Store.open(args.project, create=False, audit_key=_audit_key(args)) as store:
        print_users(store)
    return 0


def print_users(store: ProjectStore) -> None:
    """``users list``'s lines: name, role and the account's state (either backend)."""
    for user in store.users().values():
        status = ["active" if user.active else "deactivated"]
        if store.account_state(user.name).locked:
            status.append("locked")
        if user.must_change:
            status.append("must change password")
        print(f"{user.name}\t{user.role}\t{', '.join(status)}")


def _audit_verify(args: argparse.Namespace) -> int:
    from reviewer_gui.review.audit_cli import audit_verify

    if isinstance(args.project, str):  # a PostgreSQL URL
        from reviewer_gui.review.server_cli import audit_verify as verify_server

        return verify_server(args, _passwords(args))
    return audit_verify(args, _audit_key(args))


def _audit_receipts(args: argparse.Namespace) -> int:
    from reviewer_gui.review.audit_cli import audit_receipts

    return audit_receipts(args, _audit_key(args), next(_passwords(args)))


def _audit_export(args: argparse.Namespace) -> int:
    from reviewer_gui.review import Role, authenticate
    from reviewer_gui.store import Store
    from reviewer_gui.store.verify import connect, export_csv

    if isinstance(args.project, str):  # a PostgreSQL URL
        from reviewer_gui.review.server_cli import audit_export

        return audit_export(args, _passwords(args))

    with Store.open(args.project, create=False, audit_key=_audit_key(args)) as store:
        actor = "os:" + os.environ.get("USER", "unknown")
        if store.users():
            if not args.admin:
                raise ValueError("the trail holds every reader's read: the study administrator "
                                 "exports it (--admin NAME)")  # fmt: skip
            admin = authenticate(store, args.admin, next(_passwords(args)), action="sign-in")
            if admin.role != Role.ADMINISTRATOR:
                raise ValueError(f"{admin.name} is not the study administrator")
            actor = admin.name
        db = connect(args.project)
        try:
            count = export_csv(db, args.output)
        finally:
            db.close()
        store.log_action("export-audit-trail", actor,
                         after={"export": [{"file": str(args.output), "records": count}]})
    print(f"recist-review: {count} audit record(s) written to {args.output}", file=sys.stderr)
    return 0


def export_signed_in(args: argparse.Namespace) -> int:
    """``recist-review export`` on a project with users: signed in as ``--user``, whose
    session decides what may be exported (a reader: their own read only)."""
    return _guarded(_export_signed_in)(args)


@contextlib.contextmanager
def exporting_session(args: argparse.Namespace) -> Iterator[Session]:
    """The session of ``--user`` for an export (CSV or SR) from a project with users."""
    from reviewer_gui.review import sign_in

    if not args.user:
        raise ValueError("the project has users: sign in to export (--user NAME); a reader "
                         "exports only their own read")  # fmt: skip
    password = next(_passwords(args))
    with sign_in(args.project, args.user, password, audit_key=_audit_key(args)) as session:
        yield session


def _export_signed_in(args: argparse.Namespace) -> int:
    with exporting_session(args) as session:
        rows = session.export(args.output, include_unsigned=args.include_unsigned,
                              reader=args.reader)  # fmt: skip
    where = args.output or "standard output"
    print(f"recist-review: {rows} row(s) written to {where} for {args.user}", file=sys.stderr)
    return 0
