"""``recist-review import``: the de-identifying import's sub-command (DICOM PS3.15 Annex E).

Exit status: 0 success; 2 refused (the message says why; a study that failed left nothing
behind, those before it stay imported and a re-run skips them), or a study not imported
because an image of it is damaged (the other subjects' studies are imported).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reviewer_gui.store import ProjectStore


def add_import_command(commands: argparse._SubParsersAction[Any]) -> None:
    """Add ``import SOURCE PROJECT_DIR`` to the ``recist-review`` sub-commands."""
    command = commands.add_parser(
        "import",
        help="copy site DICOM studies into a reading project, de-identified (PS3.15 Annex E)",
        description="Copy every image study under SOURCE_DIR into the reading project "
        "PROJECT_DIR (or a PostgreSQL project, with --admin; its images where --images says: "
        "a folder or a DICOMweb archive, recorded once), "
        "de-identified per DICOM PS3.15 Annex E (basic profile, longitudinal "
        "dates shifted per subject). Subjects get random case ids, studies timepoint labels "
        "(BASELINE, FU1, ...) in date order. The key (real ids, offsets, UID map) is written "
        "outside PROJECT_DIR. Importing the same source again adds nothing (but replaces a "
        "damaged stored study by a clean re-send). Every image is read and decoded first: a "
        "study with a damaged image is not imported (exit 2, the others are). Imports into "
        "one project take turns.",
    )
    command.add_argument("source", metavar="SOURCE",
                         help="site data: a folder of DICOM files, a DICOMweb URL "
                         "http(s)://[user:password@]host:port/dicom-web, or a DIMSE node "
                         "dicom://AET@HOST:PORT (reviewer_gui.pacs)")
    command.add_argument("--patient", metavar="ID",
                         help="from a PACS: only this patient's studies")
    command.add_argument("--study", metavar="UID",
                         help="from a PACS: only this study")
    command.add_argument("project", metavar="PROJECT",
                         help="reading project folder (created if missing), or a PostgreSQL "
                         "project postgresql://HOST:PORT/DBNAME (with --admin)")  # fmt: skip
    command.add_argument("--images", metavar="DIR|URL",
                         help="where the de-identified images go, recorded once in the project: "
                         "an absolute folder every reader reaches (e.g. a shared drive), or a "
                         "DICOMweb archive http(s)://host:port/dicom-web (STOW-RS; the project "
                         "records the URL without credentials, each reader uses their own); "
                         "default: the recorded location, else the project folder")
    command.add_argument("--admin", metavar="NAME",
                         help="a PostgreSQL project: its study administrator, who imports")
    command.add_argument("--password-stdin", action="store_true",
                         help="a PostgreSQL project: read the administrator's password from "
                         "standard input")
    command.add_argument("--key-file", type=Path,
                         help="the de-identification key, outside PROJECT_DIR (default: "
                         "PROJECT_DIR.deid-key beside the project folder)")  # fmt: skip
    command.add_argument("--by", default="import",
                         help="who imports, as the project records it (default: import)")
    command.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    from reviewer_gui.deid.importer import ImportRefused, ImportReport, import_studies
    from reviewer_gui.deid.key import KeyFileError
    from reviewer_gui.pacs import PacsError, fetched, is_pacs_source
    from reviewer_gui.review import AuthenticationFailed, NotPermitted
    from reviewer_gui.store import StoreError

    def waiting() -> None:
        print(f"recist-review import: another import into {args.project} is running: waiting "
              "for it to finish", file=sys.stderr)  # fmt: skip

    try:
        if not is_pacs_source(args.source) and (args.patient or args.study):
            raise ImportRefused("--patient and --study filter a PACS source (a DICOMweb URL "
                                "or dicom://AET@HOST:PORT), not a folder")
        with _project(args) as (project, store):
            def run(folder: Path) -> ImportReport:
                return import_studies(folder, project, key_file=args.key_file,
                                      by=args.admin or args.by, waiting=waiting,
                                      images=args.images, store=store)  # fmt: skip

            if is_pacs_source(args.source):
                with fetched(args.source, patient=args.patient, study=args.study) as folder:
                    report = run(folder)
            else:
                report = run(Path(args.source))
    except (ImportRefused, KeyFileError, StoreError, FileNotFoundError, PacsError,
            ValueError, NotPermitted, AuthenticationFailed) as error:
        print(f"recist-review import: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"recist-review import: {error.filename or args.project}: "
              f"{error.strerror or error}; the study being written was not imported (a re-run "
              "goes on from there)", file=sys.stderr)  # fmt: skip
        return 2
    for study in report.imported:
        print(f"{study.case_id} {study.label} {study.scan_date} {study.n_files} file(s) "
              f"{study.series.folder}")  # fmt: skip
    for problem in report.skipped:
        print(f"recist-review import: skipped: {problem}", file=sys.stderr)
    for repaired in report.replaced:
        print(f"recist-review import: replaced: {repaired}", file=sys.stderr)
    for problem in report.incomplete:
        print(f"recist-review import: NOT IMPORTED: {problem}", file=sys.stderr)
    subjects = len({s.case_id for s in report.imported})
    into = report.project_file if _is_folder(args.project) else args.project
    print(f"recist-review import: {len(report.imported)} study(ies) of {subjects} subject(s) "
          f"imported into {into}, {report.already_present} already there; "
          f"key: {report.key_file}", file=sys.stderr)  # fmt: skip
    return 2 if report.incomplete else 0


def _is_folder(project: str) -> bool:
    """True for a project folder (its file is named), False for a PostgreSQL URL."""
    from reviewer_gui.store import is_postgres_url

    return not is_postgres_url(project)


@contextmanager
def _project(args: argparse.Namespace) -> Iterator[tuple[Path | str, ProjectStore | None]]:
    """A project folder as a path (the import opens it); a PostgreSQL project opened as its
    study administrator (``--admin``, password from the terminal or ``--password-stdin``)."""
    from reviewer_gui.store import is_postgres_url

    if not is_postgres_url(args.project):
        if args.admin or args.password_stdin:
            raise ValueError("--admin and --password-stdin are for a PostgreSQL project; a "
                             "project folder is imported into by whoever can write it")
        yield Path(args.project), None
        return
    from reviewer_gui.review.cli import _passwords
    from reviewer_gui.review.server_cli import _admin_store

    with _admin_store(args, _passwords(args)) as store:
        yield args.project, store
