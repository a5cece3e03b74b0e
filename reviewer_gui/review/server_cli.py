"""``recist-review users`` and ``audit`` on a PostgreSQL project (``postgresql://HOST:PORT/DB``).

The same commands as on a project file (``reviewer_gui.review.cli``), but the server holds the
accounts: ``users add URL NAME --role administrator`` on an empty database creates the project
with the URL's own credentials (``reviewer_gui.store.postgres.create_project``); later users
are added by a study administrator (``--admin NAME`` and their password), each a login role of
the server. ``users list``, ``audit verify`` and ``audit export`` sign in as ``--admin``: only
the study administrator's role sees every row (row-level security). ``users passwd``,
``reset``, ``unlock`` and ``lockout`` work on both (``reviewer_gui.review.accounts_cli``).
``upgrade URL`` brings a project of an older schema to this program's, in place, with the
URL's own credentials: the account that created it (``reviewer_gui.store.postgres.upgrade``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator

from reviewer_gui.review.identity import NotPermitted, Role
from reviewer_gui.store import ProjectStore, open_store


def _admin_store(args: argparse.Namespace, passwords: Iterator[str]) -> ProjectStore:
    """The project opened as the study administrator ``--admin`` (signed in, checked)."""
    from reviewer_gui.review.users import authenticate

    if not args.admin:
        raise ValueError(f"{args.project}: a PostgreSQL project is read as its study "
                         "administrator: say who (--admin NAME)")  # fmt: skip
    password = next(passwords)
    store = open_store(args.project, user=args.admin, password=password)
    try:
        admin = authenticate(store, args.admin, password, action="sign-in")
        if admin.role != Role.ADMINISTRATOR:
            raise NotPermitted(f"{admin.name} is not the study administrator")
    except BaseException:
        store.close()
        raise
    return store


def users_add(args: argparse.Namespace, passwords: Iterator[str]) -> int:
    from reviewer_gui.review.passwords import check_new_password
    from reviewer_gui.review.users import add_user, authenticate
    from reviewer_gui.store.postgres import create_project

    if not args.admin:
        if args.role != Role.ADMINISTRATOR.value:
            raise NotPermitted("the first user of a project is its study administrator "
                               "(--role administrator)")  # fmt: skip
        password = _new_password(args, passwords)
        check_new_password(password, args.name)
        create_project(args.project, args.name, password).close()
        print(f"recist-review: reading project created in {args.project} with its study "
              f"administrator {args.name}", file=sys.stderr)  # fmt: skip
        return 0
    admin_password = next(passwords)
    with open_store(args.project, user=args.admin, password=admin_password) as store:
        admin = authenticate(store, args.admin, admin_password, action="sign-in")
        add_user(store, args.name, Role(args.role), _new_password(args, passwords), by=admin)
    print(f"recist-review: {args.role} {args.name} added to {args.project}", file=sys.stderr)
    return 0


def _new_password(args: argparse.Namespace, passwords: Iterator[str]) -> str:
    password = next(passwords)
    if not args.password_stdin and next(passwords) != password:
        raise ValueError("the two passwords differ: nothing added")
    return password


def users_list(args: argparse.Namespace, passwords: Iterator[str]) -> int:
    from reviewer_gui.review.cli import print_users

    with _admin_store(args, passwords) as store:
        print_users(store)
    return 0


def record_images(args: argparse.Namespace, passwords: Iterator[str]) -> int:
    """``images URL DIR --admin NAME``: the project's image folder, recorded once."""
    from reviewer_gui.store.image_folder import set_images_folder

    with _admin_store(args, passwords) as store:
        added = set_images_folder(store, args.folder, args.admin)
    said = "recorded" if added else "already recorded"
    print(f"recist-review: image folder {args.folder} {said}; every reader's machine must "
          "reach it under that path", file=sys.stderr)  # fmt: skip
    return 0


def audit_verify(args: argparse.Namespace, passwords: Iterator[str]) -> int:
    """The chain, the image files under the project's image folder and the e-signature
    receipts, as on a project file (``reviewer_gui.review.audit_cli``)."""
    from pathlib import Path

    from reviewer_gui.review.audit_cli import print_checks
    from reviewer_gui.review.receipts import check_receipts, default_receipt_file
    from reviewer_gui.store.archive_images import check_archive
    from reviewer_gui.store.image_folder import images_location
    from reviewer_gui.store.images import check_images
    from reviewer_gui.store.postgres import PostgresStore
    from reviewer_gui.store.verify import check_head_format, verify

    if args.head is not None:
        check_head_format(args.head)
    with _admin_store(args, passwords) as store:
        assert isinstance(store, PostgresStore)
        report = verify(store.database, head=args.head)
        where = None if args.skip_images else images_location(store)
        images = None if where is None else check_images(store.database, where) if isinstance(
            where, Path) else check_archive(store.database, str(where))  # fmt: skip
        receipts = check_receipts(store.database, default_receipt_file(store), args.receipts)
    unchecked = "--skip-images" if args.skip_images else (
        "the project records no image folder: recist-review images URL DIR")  # fmt: skip
    return print_checks(report, images, receipts, unchecked)


def audit_export(args: argparse.Namespace, passwords: Iterator[str]) -> int:
    from reviewer_gui.store.postgres import PostgresStore
    from reviewer_gui.store.verify import export_csv

    with _admin_store(args, passwords) as store:
        assert isinstance(store, PostgresStore)
        count = export_csv(store.database, args.output)
        store.log_action("export-audit-trail", args.admin,
                         after={"export": [{"file": str(args.output), "records": count}]})
    print(f"recist-review: {count} audit record(s) written to {args.output}", file=sys.stderr)
    return 0


def migrate(args: argparse.Namespace) -> int:
    """``migrate PROJECT.db URL``: the project with its history on the server; each user's
    temporary password on standard output, once."""
    from reviewer_gui.store import is_postgres_url
    from reviewer_gui.store.postgres.migrate import migrate as copy_project

    if not is_postgres_url(args.url):
        raise ValueError(f"{args.url}: give the target as postgresql://HOST:PORT/DBNAME")
    if not args.project.is_file():
        raise ValueError(f"{args.project}: no such reading project file")
    temporary = copy_project(args.project, args.url)
    print("user\ttemporary password (give each to its user apart; changed at first sign-in)")
    for name, password in sorted(temporary.items()):
        print(f"{name}\t{password}")
    print(f"recist-review: {args.project} migrated with its whole history; check it with "
          f"recist-review audit verify URL --admin NAME", file=sys.stderr)  # fmt: skip
    return 0


def upgrade(args: argparse.Namespace) -> int:
    """``upgrade URL``: the project at the program's schema, in place, as the account that
    created it (``reviewer_gui.store.postgres.upgrade``)."""
    from reviewer_gui.store.postgres.connect import display
    from reviewer_gui.store.postgres.upgrade import upgrade_project

    if not isinstance(args.project, str):
        raise ValueError(f"{args.project}: a project file is upgraded when it is next opened "
                         "for writing; this command upgrades a PostgreSQL project "
                         "(postgresql://USER@HOST:PORT/DBNAME)")  # fmt: skip
    where = display(args.project)
    old, new = upgrade_project(args.project)
    if old == new:
        print(f"recist-review: {where} is at schema {new} already: nothing to do",
              file=sys.stderr)  # fmt: skip
        return 0
    print(f"recist-review: {where} upgraded in place from schema {old} to {new} (recorded in "
          "its audit trail); check it with recist-review audit verify URL --admin NAME",
          file=sys.stderr)  # fmt: skip
    return 0
