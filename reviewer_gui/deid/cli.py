"""``recist-review import``: the de-identifying import's sub-command (DICOM PS3.15 Annex E).

Exit status: 0 success; 2 refused (the message says why; a study that failed left nothing
behind, those before it stay imported and a re-run skips them), or a study not imported
because an image of it is damaged (the other subjects' studies are imported).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_import_command(commands: argparse._SubParsersAction[Any]) -> None:
    """Add ``import SOURCE_DIR PROJECT_DIR`` to the ``recist-review`` sub-commands."""
    command = commands.add_parser(
        "import",
        help="copy site DICOM studies into a reading project, de-identified (PS3.15 Annex E)",
        description="Copy every image study under SOURCE_DIR into the reading project "
        "PROJECT_DIR, de-identified per DICOM PS3.15 Annex E (basic profile, longitudinal "
        "dates shifted per subject). Subjects get random case ids, studies timepoint labels "
        "(BASELINE, FU1, ...) in date order. The key (real ids, offsets, UID map) is written "
        "outside PROJECT_DIR. Importing the same source again adds nothing (but replaces a "
        "damaged stored study by a clean re-send). Every image is read and decoded first: a "
        "study with a damaged image is not imported (exit 2, the others are). Imports into "
        "one project take turns.",
    )
    command.add_argument("source", type=Path, metavar="SOURCE_DIR", help="site data (DICOM)")
    command.add_argument("project", type=Path, metavar="PROJECT_DIR",
                         help="reading project folder (created if missing)")  # fmt: skip
    command.add_argument("--key-file", type=Path,
                         help="the de-identification key, outside PROJECT_DIR (default: "
                         "PROJECT_DIR.deid-key beside the project folder)")  # fmt: skip
    command.add_argument("--by", default="import",
                         help="who imports, as the project records it (default: import)")
    command.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    from reviewer_gui.deid.importer import ImportRefused, import_studies
    from reviewer_gui.deid.key import KeyFileError
    from reviewer_gui.store import StoreError

    def waiting() -> None:
        print(f"recist-review import: another import into {args.project} is running: waiting "
              "for it to finish", file=sys.stderr)  # fmt: skip

    try:
        report = import_studies(args.source, args.project, key_file=args.key_file, by=args.by,
                                waiting=waiting)  # fmt: skip
    except (ImportRefused, KeyFileError, StoreError, FileNotFoundError) as error:
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
    print(f"recist-review import: {len(report.imported)} study(ies) of {subjects} subject(s) "
          f"imported into {report.project_file}, {report.already_present} already there; "
          f"key: {report.key_file}", file=sys.stderr)  # fmt: skip
    return 2 if report.incomplete else 0
