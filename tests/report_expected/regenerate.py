"""Rewrite ``tests/report_expected/`` with what ``recist report`` writes today, for the inputs
``test_report_invariance`` uses: the example trial and the hand-made trial of
``test_report_populations``, both with the subjects file stripped of the optional
``eligible`` / ``major_protocol_deviation`` columns; the CSV tables (except the per-protocol
exclusion tables, which those columns feed) and the HTML with its images stripped.

Run from the repository root after a deliberate change of the report's outputs:
``python tests/report_expected/regenerate.py``; review the diff and say why in the CHANGELOG.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from test_report_invariance import (  # noqa: E402
    IMAGE,
    NEW_FILES,
    STRATA,
    inputs,
    report,
    without_new_columns,
)


def main() -> int:
    for case in ("reluth", "small"):
        with tempfile.TemporaryDirectory() as scratch:
            directory = Path(scratch)
            measurements, subjects = inputs(case, directory)
            plain = without_new_columns(subjects, directory / "plain_subjects.csv")
            out = report(measurements, plain, STRATA[case], directory / "out")
            target = HERE / case
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir()
            for table in sorted(out.glob("*.csv")):
                if table.name not in NEW_FILES:
                    shutil.copyfile(table, target / table.name)
            page = (out / "report.html").read_text(encoding="utf-8")
            stripped = IMAGE.sub("data:image/png;base64,", page)
            (target / "report_without_images.html").write_text(stripped, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
