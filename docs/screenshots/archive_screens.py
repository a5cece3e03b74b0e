"""The reader's window on a project whose images are in a reading archive (a real Orthanc):
``bash .ci/in-netns sh -c 'Xvfb :NNN & DISPLAY=:NNN .venv/bin/python
docs/screenshots/archive_screens.py docs/screenshots/archive.png'``.

Starts an Orthanc of its own (``tests/pacs/orthanc_kit.py``: loopback-only network namespace
only), imports the sample trial's first two site copies with ``recist-review import SITE
PROJECT --images URL`` (STOW-RS; nothing kept in the project folder), adds the users, signs
in as reader alice with her own archive credentials (environment, never the project), reads
and signs the baseline on the archive's images, then opens FU1 beside it: prior and current
both loaded over DICOMweb. Saves the window to PNG and stops Orthanc.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "pacs")]

from app.review_kit import (  # noqa: E402  (the tests' kits, after the path)
    PASSWORDS,
    PATIENTS,
    ROLES,
    read_timepoint,
    samples,
)
from deid.kit import write_site_copy  # noqa: E402
from orthanc_kit import PASSWORD, USER, Orthanc  # noqa: E402

from reviewer_gui.cli import main as recist_review  # noqa: E402
from reviewer_gui.qt.app import open_signed_in  # noqa: E402
from reviewer_gui.qt.signed_in import SignedInProject  # noqa: E402
from reviewer_gui.reading import ReadKey  # noqa: E402
from reviewer_gui.review import Role, add_user  # noqa: E402
from reviewer_gui.store import Store  # noqa: E402


def archive_project(root: Path, orthanc: Orthanc) -> Path:
    for patient in PATIENTS:
        write_site_copy(root / "site", patient)
    assert recist_review(["import", str(root / "site"), str(root / "reading"), "--images",
                          orthanc.url_with_credentials]) == 0
    path = root / "reading" / "project.db"
    with Store.open(path, create=False) as store:
        admin = add_user(store, "ada", Role.ADMINISTRATOR, PASSWORDS["ada"], by=None)
        for name, role in ROLES.items():
            add_user(store, name, role, PASSWORDS[name], by=admin)
    return path


def main(argv: list[str]) -> int:
    png = Path(argv[0])
    root = Path(tempfile.mkdtemp(prefix="recist-archive-shot-"))
    orthanc = Orthanc(root / "orthanc")
    orthanc.root.mkdir()
    orthanc.start()
    try:
        path = archive_project(root, orthanc)
        os.environ.update({"RECIST_REVIEW_DICOMWEB_USER": USER,
                           "RECIST_REVIEW_DICOMWEB_PASSWORD": PASSWORD,
                           "RECIST_REVIEW_DICOMWEB_CACHE_DIR": str(root / "cache")})
        return shoot(path, png)
    finally:
        orthanc.stop()
        shutil.rmtree(root, ignore_errors=True)


def shoot(path: Path, png: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = open_signed_in(path, "alice", PASSWORDS["alice"])
    window.resize(1600, 1000)
    window.show()
    state = {"step": 0}

    def busy() -> bool:
        views = window.views
        return views.current is None or views.loading() or any(
            v.volume.shape[0] < 2 for v in views.views())

    def step() -> None:
        if busy():
            QTimer.singleShot(100, step)
            return
        session = window.session
        assert session.case_id is not None
        if state["step"] == 0:  # the baseline read and signed on the archive's images
            read_timepoint(window, samples(path)[session.case_id])
            assert isinstance(session.project, SignedInProject)
            session.project.sign(ReadKey(session.case_id, "alice"), "BASELINE", name="alice",
                                 password=PASSWORDS["alice"],
                                 meaning="Reviewed and approved as read")  # fmt: skip
            session.go(session.case_id, "FU1")
        elif state["step"] == 1:  # FU1 beside the baseline, T1 chosen
            session.select_lesion("T1")
        else:
            window.grab().save(str(png))
            window.close()
            return
        state["step"] += 1
        QTimer.singleShot(800, step)

    QTimer.singleShot(300, step)
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
