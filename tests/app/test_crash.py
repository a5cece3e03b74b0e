"""The app killed (SIGKILL) right after a measurement: on restart the measurement is there.

A child process runs the real app offscreen; a QTimer drives it as a reader would (T, Enter,
a caliper drag across SUBJ-001's liver lesion) and prints the stored length; the test then
kills it without warning and opens the project again, in the app.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

from pytestqt.qtbot import QtBot

from reviewer_gui.qt.app import open_window
from reviewer_gui.reading import ReadKey

from .helpers import SAMPLE_SCANS, ready

HERE = Path(__file__).resolve().parent
CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    sys.path[:0] = [sys.argv[3], str(Path(sys.argv[3]).parent)]  # tests/app, tests/
    from PyQt6.QtCore import Qt, QTimer
    from PyQt6.QtTest import QTest
    from PyQt6.QtWidgets import QApplication
    app = QApplication(sys.argv[:1])
    import helpers
    from reviewer_gui.qt.app import open_window
    from reviewer_gui.reading import ReadKey

    window = open_window(Path(sys.argv[1]), reader="alice", dicom=Path(sys.argv[2]))
    window.show()

    def step():
        if not helpers.ready(window):
            QTimer.singleShot(50, step)
            return
        QTest.keyClick(window, Qt.Key.Key_T)
        QTest.keyClick(window.panel.organ, Qt.Key.Key_Return)
        helpers.measure_across(window.views.current, "SUBJ-001", "BASELINE", "T1")
        read = window.session.project.read(ReadKey("SUBJ-001", "alice"))
        fragment = read.observation("BASELINE", "T1").fragments[0]
        print("saved", fragment.long_axis.length_mm, flush=True)

    QTimer.singleShot(0, step)
    app.exec()
""")


def test_a_measurement_survives_killing_the_app(qtbot: QtBot, tmp_path: Path) -> None:
    database = tmp_path / "reading.db"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(database), str(SAMPLE_SCANS),
                              str(HERE)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env)  # fmt: skip
    try:
        assert child.stdout is not None
        line = child.stdout.readline().split()
    finally:
        os.kill(child.pid, signal.SIGKILL)  # no clean-up, no close: as a power cut would
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert line[:1] == ["saved"], child.stderr.read() if child.stderr else ""
    length = Decimal(line[1])
    assert abs(length - 40) <= 2  # truth 40 mm, one 2 mm pixel
    window = open_window(database, reader="alice")  # the restart
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: ready(window), timeout=20_000)
    read = window.session.project.read(ReadKey("SUBJ-001", "alice"))
    observation = read.observation("BASELINE", "T1")
    assert observation is not None and observation.fragments[0].long_axis.length_mm == length
    assert window.session.timepoint == "BASELINE"
    view = window.views.current
    assert view is not None
    (shown,) = view.viewport.layer.items  # back on the image, on its slice
    assert shown.caption == "T1" and shown.long_mm is not None
    assert abs(Decimal(f"{shown.long_mm:.1f}") - length) <= Decimal("0.1")
    window.close()
