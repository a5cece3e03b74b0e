"""The ``recist-review`` command line. ``export`` writes a reading project's measurements
as the contract's measurements CSV (``docs/csv-format.md`` input 1, with the
``reader`` column), ready for ``recist assess`` / ``recist endpoints``.

Without a command it starts the reviewer app (asking for a project file); ``open PROJECT.db
[--dicom FOLDER]`` starts it on a project (created if missing), adding the folder's studies;
``--demo`` starts it on the bundled ``sample_scans/`` in a fresh project in a temporary folder;
``adjudicate PROJECT.db`` starts the adjudicator's window (after a sign-in; readers refused).
Both take a ``postgresql://HOST:PORT/DBNAME`` URL too: the sign-in connects as the user.
The app (PyQt6) is imported only then, so ``export`` never loads Qt.

Exit status: 0 success; 2 bad usage or input (nothing written, an existing output file left
exactly as it was).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


class UsageError(ValueError):
    """A command-line problem; the message says how to fix it."""


class CannotStart(UsageError):
    """The app cannot start here (a missing system library, no display): one line, the fix."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="recist-review", description="RECIST 1.1 reading projects of the reviewer app."
    )
    parser.add_argument("--demo", action="store_true",
                        help="open the bundled sample scans in a fresh project (temporary folder)")
    parser.add_argument("--reader", help="your name as a reader, in a project without users "
                        "(default: your login name); a project with users asks you to sign in")
    parser.add_argument("--screenshot", type=Path, help=argparse.SUPPRESS)  # docs and tests
    parser.set_defaults(handler=_app, project=None, dicom=None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    open_ = commands.add_parser("open", help="start the reviewer app on a reading project")
    open_.add_argument("project", type=_location, help="reading project file (created if "
                       "missing), or postgresql://HOST:PORT/DB (you sign in as yourself)")
    open_.add_argument("--dicom", type=Path, help="folder of DICOM studies to add to it")
    open_.set_defaults(handler=_app)
    export = commands.add_parser(
        "export", help="write the measurements CSV (contract input 1, with a reader column)"
    )
    export.add_argument("project", type=_location,
                        help="reading project file (PROJECT.db) or postgresql://HOST:PORT/DB")
    export.add_argument("-o", "--output", type=Path, help="output CSV (default: stdout)")
    export.add_argument("--reader", help="only this reader's reads (default: every reader)")
    export.add_argument("--sr", metavar="DIR|URL", help="instead of the CSV: each signed "
                        "timepoint read as a DICOM SR (TID 1500) file in this folder, or sent "
                        "with STOW-RS to this DICOMweb archive (e.g. the project's)")
    export.add_argument(
        "--include-unsigned",
        action="store_true",
        help="also write timepoints not signed yet (drafts); by default only signed ones",
    )
    export.add_argument("--user", help="who exports, once the project has users (a reader "
                        "exports only their own read)")  # fmt: skip
    export.add_argument("--password-stdin", action="store_true",
                        help="read the password from standard input")  # fmt: skip
    export.add_argument("--final", action="store_true",
                        help="the final read of each subject (adjudicated, or reader 1's when "
                        "the reads agree), signed in as adjudicator or administrator")
    export.set_defaults(handler=_export)
    adjudicate = commands.add_parser(
        "adjudicate", help="the adjudicator's window: flagged subjects, both reads side by "
        "side with their images, the signed choice of the final read")  # fmt: skip
    adjudicate.add_argument("project", type=_location, help="reading project file (PROJECT.db) "
                            "or postgresql://HOST:PORT/DB")
    adjudicate.set_defaults(handler=_adjudicate)
    from reviewer_gui.deid.cli import add_import_command

    add_import_command(commands)
    from reviewer_gui.review.cli import add_review_commands

    add_review_commands(commands)
    _add_sr_load(commands)
    return parser


def _add_sr_load(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``sr-load``: the study administrator loads SRs of a read done elsewhere into a
    reader's draft read (``reviewer_gui.sr.migrate``; the SR modules load only then)."""
    from reviewer_gui.review.cli import _guarded, _secrets

    load = commands.add_parser(
        "sr-load", help="load DICOM SRs (TID 1500: OHIF's, 3D Slicer's, another project's) "
        "of a read done elsewhere into a reader's draft read (study administrator)")  # fmt: skip
    load.add_argument("project", type=_location,
                      help="reading project file (PROJECT.db) or postgresql://HOST:PORT/DB")
    load.add_argument("files", type=Path, nargs="+", metavar="SR_FILE",
                      help="the SR files, one per timepoint")  # fmt: skip
    load.add_argument("--reader", required=True, help="the reader whose draft read gets them")
    load.add_argument("--admin", required=True, help="the study administrator")
    load.add_argument("--lesions", type=Path, metavar="CSV", help="each measurement's lesion "
                      "id, category and organ by tracking UID or identifier (columns "
                      "tracking,lesion_id,category,organ,detail), for another tool's SRs")
    _secrets(load)
    load.set_defaults(handler=_guarded(_sr_load))


def _sr_load(args: argparse.Namespace) -> int:
    from reviewer_gui.sr.cli import load_srs_command

    return load_srs_command(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    from reviewer_gui.store import StoreError

    try:
        status: int = args.handler(args)
        return status
    except (StoreError, UsageError) as error:
        print(f"recist-review: {error}", file=sys.stderr)
        if not isinstance(error, CannotStart):
            print("recist-review: nothing written", file=sys.stderr)
        return 2


def _check_platform() -> None:
    """Refuse to start Qt where it would abort (a missing system library, no display)."""
    from reviewer_gui.qt_platform import platform_problem

    problem = platform_problem()
    if problem is not None:
        raise CannotStart(problem.removeprefix("recist-review: "))


def _app(args: argparse.Namespace) -> int:
    if args.dicom is not None and not args.dicom.is_dir():
        raise UsageError(f"{args.dicom}: no such folder of DICOM studies")
    _check_platform()
    dicom = args.dicom
    if args.demo and dicom is None:
        from reviewer_gui.sample_scans import SampleScansError, sample_scans_folder

        try:
            dicom = sample_scans_folder()
        except SampleScansError as error:
            raise CannotStart(str(error)) from None
    from reviewer_gui.qt.app import run

    return run(args.project, dicom=dicom, reader=args.reader, demo=args.demo,
               screenshot=args.screenshot)


def _adjudicate(args: argparse.Namespace) -> int:
    if isinstance(args.project, Path) and not args.project.is_file():
        raise UsageError(f"{args.project}: no such reading project")
    _check_platform()
    from reviewer_gui.qt.adjudication_app import run_adjudication

    return run_adjudication(args.project, screenshot=args.screenshot)


def _location(text: str) -> str | Path:
    from reviewer_gui.review.cli import project_location

    return project_location(text)


def _export(args: argparse.Namespace) -> int:
    if args.sr is not None:
        from reviewer_gui.sr import SrExportError
        from reviewer_gui.sr.cli import export_sr

        try:
            return export_sr(args)
        except SrExportError as error:
            raise UsageError(str(error)) from None
    from reviewer_gui.engine_adapter import export_project
    from reviewer_gui.store import Store

    if isinstance(args.project, str):  # a PostgreSQL URL: always a blinded review
        state, has_users = None, True
    else:
        with Store.open(args.project, create=False) as store:
            state, has_users = store.load(), bool(store.users())
    if args.final:
        if not has_users:
            raise UsageError(f"{args.project}: --final needs a blinded review (a project with "
                             "users, two readers and an adjudicator)")  # fmt: skip
        from reviewer_gui.review.adjudication_cli import export_final

        return export_final(args)
    if has_users:  # a blinded review: the export goes through the user's session
        from reviewer_gui.review.cli import export_signed_in

        return export_signed_in(args)
    assert state is not None
    try:
        done = export_project(args.output, state, reader=args.reader,
                              signed_only=not args.include_unsigned)  # fmt: skip
    except LookupError as error:
        raise UsageError(f"{args.project}: {error.args[0]}") from None
    where = args.output or "standard output"
    print(f"recist-review: {done.rows} row(s) of {done.reads} read(s) written to {where}",
          file=sys.stderr)  # fmt: skip
    if done.drafts:
        print(f"recist-review: {done.drafts} unsigned timepoint(s) with entries left out "
              "(--include-unsigned writes them too)", file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
