"""A scripted read of SUBJ-001 with real key, wheel and mouse events, counting the reader's
inputs per timepoint (issue 15, "Verify"). The script reads as a reader does: it chooses each
lesion, then makes the current image show it well enough to measure (the organ's window, the
lesion's slice, at least 40 screen pixels across, in view; the tool the lesion needs) and the
prior too for the comparison, and only then draws. Every key, wheel notch, click and drag it
needs is counted, so the counts show what the app leaves to the reader. The README gives the
counts before issue 15 (the same script run on the code before) and after."""

from __future__ import annotations

from collections import Counter

from PyQt6.QtCore import QPoint, QPointF, Qt
from PyQt6.QtGui import QEnterEvent
from PyQt6.QtTest import QTest
from PyQt6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reviewer_gui.dicom import Volume
from reviewer_gui.qt import ImageView
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.viewer import PRESETS

from .helpers import drag, place, ready, sample_lesions, truth, truth_segments, wheel

SUBJECT = "SUBJ-001"
CTRL = Qt.KeyboardModifier.ControlModifier
WINDOW_KEYS = {"lung": Qt.Key.Key_3, "liver": Qt.Key.Key_2}  # else soft tissue, key 1
MIN_PX = 40.0  # a lesion narrower than this on the screen is zoomed before it is measured
MARGIN = 40.0


class Reader:
    """Sends real events to the window and counts them."""

    def __init__(self, qtbot: QtBot, window: MainWindow) -> None:
        self.qtbot, self.window, self.counts = qtbot, window, Counter[str]()

    def key(self, target: object, key: Qt.Key | str,
            mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier, *,
            kind: str = "entry") -> None:  # fmt: skip
        self.qtbot.keyClick(target, key, mods)  # type: ignore[arg-type]
        self.counts[kind] += 1

    def point_at(self, view: ImageView) -> None:
        """The pointer moves over the image (not an input); a click when the keys do not go
        there (a middle click: it neither measures nor pans)."""
        QApplication.sendEvent(view, QEnterEvent(QPointF(5, 5), QPointF(5, 5),
                                                 QPointF(view.mapToGlobal(QPoint(5, 5)))))
        if QApplication.focusWidget() is not view:
            QTest.mouseClick(view, Qt.MouseButton.MiddleButton, pos=QPoint(5, 5))
            self.counts["focus"] += 1

    def show_lesion(self, view: ImageView, volume: Volume, timepoint: str, lesion_id: str,
                    *, scroll: bool) -> None:  # fmt: skip
        spot = place(volume, SUBJECT, timepoint, lesion_id)
        if scroll and view.viewport.nav.index != spot.slice_index:
            self.point_at(view)
            while view.viewport.nav.index != spot.slice_index:
                up = view.viewport.nav.index < spot.slice_index
                self.key(view, Qt.Key.Key_Up if up else Qt.Key.Key_Down, kind="scroll")
        long_mm = truth(SUBJECT, timepoint, lesion_id)[0]

        def screen() -> tuple[float, float]:
            return view.viewport.transform.to_screen(spot.row, spot.col)

        x, y = screen()
        if not (MARGIN < x < view.width() - MARGIN and MARGIN < y < view.height() - MARGIN):
            centre = QPoint(view.width() // 2, view.height() // 2)
            QTest.mousePress(view, Qt.MouseButton.MiddleButton, pos=QPoint(round(x), round(y)))
            QTest.mouseMove(view, centre)
            QTest.mouseRelease(view, Qt.MouseButton.MiddleButton, pos=centre)
            self.counts["zoom/pan"] += 1
        while long_mm / volume.spacing_mm[2] * view.viewport.transform.scale_x < MIN_PX:
            x, y = screen()
            wheel(view, 1, QPoint(round(x), round(y)), ctrl=True)
            self.counts["zoom/pan"] += 1


def read_subject(qtbot: QtBot, window: MainWindow) -> dict[str, dict[str, int]]:
    """The inputs of each timepoint, by kind."""
    reader, counts = Reader(qtbot, window), {}
    labels = ["BASELINE", "M2", "M4", "M6"]
    for label in labels:
        assert window.session.timepoint == label
        qtbot.waitUntil(lambda: ready(window), timeout=20_000)
        reader.counts = Counter()
        for lesion_id, category, organ in sample_lesions(SUBJECT, label):
            if label == "BASELINE":  # T or Shift+T, the organ, Enter
                reader.key(window, "T", Qt.KeyboardModifier.ShiftModifier
                           if category == "NON-TARGET" else Qt.KeyboardModifier.NoModifier)
                window.panel.organ.setCurrentText(organ)
                reader.counts["entry"] += 1
                reader.key(window.panel.organ, Qt.Key.Key_Return)
            else:  # ] to the next lesion; the first one by a click on its row
                reader.key(window, "]")
                if window.session.lesion_id != lesion_id:
                    window.session.select_lesion(lesion_id)  # what the click on the row does
            assert window.session.lesion_id == lesion_id
            current, prior = window.views.current, window.views.prior
            assert current is not None
            wanted = PRESETS["3" if organ == "lung" else "2" if organ == "liver" else "1"]
            if current.viewport.window != wanted:
                reader.key(window, WINDOW_KEYS.get(organ, Qt.Key.Key_1), kind="window/tool")
            node = organ == "lymph node"
            if current.viewport.layer.tool.value != ("bidirectional" if node else "caliper"):
                reader.key(window, "B" if node else "C", kind="window/tool")
            reader.show_lesion(current, current.volume, label, lesion_id, scroll=True)
            if prior is not None:  # compared with the prior before measuring
                before = labels[labels.index(label) - 1]
                reader.show_lesion(prior, prior.volume, before, lesion_id, scroll=False)
            long, short, _ = truth_segments(current.volume, SUBJECT, label, lesion_id)
            transform = current.viewport.transform
            for segment in (long, short) if node else (long,):
                a, b = (transform.to_screen(p.row, p.col) for p in (segment.start,
                                                                   segment.end))
                drag(current, QPoint(round(a[0]), round(a[1])), QPoint(round(b[0]), round(b[1])))
                reader.counts["measure"] += 1
            observation = window.session.project.read(window.session.key).observation(  # type: ignore[arg-type]
                label, lesion_id)
            assert observation is not None and observation.fragments, window.message.text()
        reader.key(window, Qt.Key.Key_Return, CTRL)  # sign, then yes to the question
        reader.counts["entry"] += 1
        assert window.session.project.is_signed(window.session.key, label)  # type: ignore[arg-type]
        if label != labels[-1]:
            reader.key(window, Qt.Key.Key_Right, CTRL)
        counts[label] = dict(reader.counts)
    return counts


def test_a_scripted_read_of_subj_001_counts_the_inputs(qtbot: QtBot, window: MainWindow) -> None:
    counts = read_subject(qtbot, window)
    print("inputs per timepoint:", {k: (sum(v.values()), v) for k, v in counts.items()})
    assert counts == {
        "BASELINE": {"entry": 12, "scroll": 26, "measure": 4, "zoom/pan": 1},
        "M2": {"entry": 6, "measure": 4}, "M4": {"entry": 6, "measure": 4},
        "M6": {"entry": 5, "measure": 4},
    }  # before issue 15: 49, 21, 24 and 26 inputs (README)
