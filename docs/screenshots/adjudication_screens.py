"""The adjudicator's window for the docs: ``python docs/screenshots/adjudication_screens.py PNG``.

Builds a blinded two-reader study in a temporary folder as the app's tests do (the sample
site data imported de-identified, users added; the first patient read from the sample scans'
truth by alice, progression at FU2, and by bob, progression at FU3), opens the adjudicator's
window as carol at the flagged case and saves it to PNG: the triggers in words, both reads
lesion by lesion (what matters in orange and bold, slight differences tinted), each read's
endpoints and each reader's calipers.

Run it under Xvfb (or ``QT_QPA_PLATFORM=offscreen``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PyQt6.QtCore import QEventLoop, QTimer
from PyQt6.QtWidgets import QApplication

TESTS = Path(__file__).resolve().parents[2] / "tests"


def settle(ms: int = 400) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main(argv: list[str]) -> int:
    png = Path(argv[0])
    sys.path.insert(0, str(TESTS))  # the tests' kits build the study
    from app.adjudication_kit import read_case
    from app.review_kit import PASSWORDS, PATIENTS, import_study, samples

    from reviewer_gui.qt.adjudication_app import open_adjudication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    root = Path(tempfile.mkdtemp(prefix="recist-review-adjudication-"))
    path = import_study(root)
    case = next(c for c, p in samples(path).items() if p is PATIENTS[0])
    read_case(path, case, PATIENTS[0].sample, "alice", pd_at="FU2")
    read_case(path, case, PATIENTS[0].sample, "bob", pd_at="FU3")
    window = open_adjudication(path, "carol", PASSWORDS["carol"])
    window.resize(1600, 1000)
    window.show()
    while window.loading():
        settle(100)
    settle(800)
    window.grab().save(str(png))
    print(png)
    window.close()
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
