"""Screens of a blinded review for the docs: ``python docs/screenshots/sign_screens.py OUTDIR``.

Imports the bundled sample scans de-identified into a reading project in a temporary folder
(``recist-review import``), adds the study's users (administrator ada, reader alice,
adjudicator carol), signs in as alice, reads the first case's baseline from
``sample_scans/truth.csv`` (entries through the model, as the tools record them) and saves, to
OUTDIR: ``signin.png`` (the sign-in dialog), ``sign.png`` (the e-signature dialog over the
window, a wrong password refused), ``signed.png`` (the baseline signed and locked),
``reread.png`` (the re-read dialog), ``adjudicator.png`` (carol viewing alice's read).

Run it under Xvfb (dialogs are separate windows: the whole screen is grabbed).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PyQt6.QtCore import QEventLoop, QTimer
from PyQt6.QtWidgets import QApplication, QDialog, QWidget

from reviewer_gui.deid import PROJECT_DB, import_studies
from reviewer_gui.qt.app import open_signed_in, sign_in_dialog
from reviewer_gui.qt.dialogs import RereadDialog, SignatureDialog
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.reading import Category
from reviewer_gui.review import Role, add_user
from reviewer_gui.store import Store

PASSWORDS = {"ada": "admin-pass-1", "alice": "alice-pass-1", "carol": "carol-pass-1"}
TESTS = Path(__file__).resolve().parents[2] / "tests"
SAMPLE_SCANS = TESTS.parent / "sample_scans"  # the checkout's copy


def settle(ms: int = 400) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def shoot(path: Path, *widgets: QWidget) -> None:
    """The screen region covering ``widgets`` (a window and its dialog)."""
    settle()
    screen = QApplication.primaryScreen()
    assert screen is not None
    frames = [w.frameGeometry() for w in widgets]
    area = frames[0]
    for frame in frames[1:]:
        area = area.united(frame)
    screen.grabWindow(0, area.x(), area.y(), area.width(), area.height()).save(str(path))
    print(path)


def ready(window: MainWindow) -> None:
    while window.views.loading() or window.views.current is None:
        settle(100)


def study(root: Path) -> Path:
    import_studies(SAMPLE_SCANS, root / "reading")
    path = root / "reading" / PROJECT_DB
    with Store.open(path, create=False) as store:
        admin = add_user(store, "ada", Role.ADMINISTRATOR, PASSWORDS["ada"], by=None)
        add_user(store, "alice", Role.READER, PASSWORDS["alice"], by=admin)
        add_user(store, "carol", Role.ADJUDICATOR, PASSWORDS["carol"], by=admin)
    return path


def read_baseline(window: MainWindow) -> None:
    sys.path.insert(0, str(TESTS))
    from app.helpers import sample_lesions, truth_segments

    session, view = window.session, window.views.current
    assert view is not None and session.case_id is not None and session.key is not None
    # the case's sample subject: the import keeps the pixels, so the truth of the subject
    # whose first slice matches
    sample = next(s for s in ("SUBJ-001", "SUBJ-002", "SUBJ-003")
                  if _same_pixels(view, s))  # fmt: skip
    for lesion_id, category, organ in sample_lesions(sample, "BASELINE"):
        session.project.add_lesion(session.key, Category(category), organ,
                                   lesion_id=lesion_id)  # fmt: skip
        long, short, plane = truth_segments(view.volume, sample, "BASELINE", lesion_id)
        session.project.measure(session.key, "BASELINE", lesion_id, long, plane,
                                short_axis=short)  # fmt: skip
    session.select_lesion("T1")


def _same_pixels(view: object, sample: str) -> bool:
    from reviewer_gui.dicom import load_series

    volume = load_series(SAMPLE_SCANS / sample / "BASELINE", workers=1)
    shown = view.volume.voxels  # type: ignore[attr-defined]
    return volume.voxels.shape == shown.shape and bool((volume.voxels == shown).all())


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("RECIST reviewer")
    path = study(Path(tempfile.mkdtemp(prefix="recist-review-screens-")))
    opened: list[MainWindow] = []
    dialog = sign_in_dialog(path, opened.append)
    dialog.name.setText("alice")
    dialog.password.setText("not-my-password")
    dialog.show()
    dialog.ok_button.click()
    shoot(out / "signin.png", dialog)
    dialog.password.setText(PASSWORDS["alice"])
    dialog.ok_button.click()
    window = opened[0]
    window.resize(1500, 950)
    window.move(0, 0)
    window.show()
    ready(window)
    read_baseline(window)
    window.sign()
    signature = window.dialog
    assert isinstance(signature, SignatureDialog)
    signature.password.setText("typo-pass")
    signature.ok_button.click()
    shoot(out / "sign.png", window, signature)
    signature.password.setText(PASSWORDS["alice"])
    signature.ok_button.click()
    shoot(out / "signed.png", window)
    window.reread()
    reread = window.dialog
    assert isinstance(reread, RereadDialog)
    reread.reason.setText("T1 measured on the wrong slice")
    shoot(out / "reread.png", window, reread)
    reread.done(QDialog.DialogCode.Rejected)
    window.close()
    carol = open_signed_in(path, "carol", PASSWORDS["carol"])
    carol.resize(1500, 950)
    carol.move(0, 0)
    carol.show()
    ready(carol)
    carol.session.select_lesion("T1")
    shoot(out / "adjudicator.png", carol)
    carol.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("screens"))
