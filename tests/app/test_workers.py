"""The app's loading threads (``reviewer_gui.qt.workers``): an exception a worker does not
expect is its failure message, never an abort of the app; let go (its window closed), a worker
delivers nothing more, not even a result already queued, and is never started again."""

from __future__ import annotations

import threading

from PyQt6.QtCore import QCoreApplication, pyqtSignal
from pytestqt.qtbot import QtBot

from reviewer_gui.qt.workers import Worker


class Faulty(Worker):
    def work(self) -> None:
        raise ValueError("a header the loader did not expect")


class Gated(Worker):
    """Delivers "result" once its gate opens, or stops if let go meanwhile."""

    done = pyqtSignal(str)
    results = ("done",)

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.runs, self.emitted = 0, False

    def work(self) -> None:
        self.runs += 1
        self.gate.wait(30)
        self.check()  # let go: Stopped, nothing delivered
        self.done.emit("result")
        self.emitted = True


def test_an_unexpected_error_in_a_worker_is_its_failure_not_an_abort(qtbot: QtBot) -> None:
    worker = Faulty()
    with qtbot.waitSignal(worker.failed, timeout=10_000) as said:
        worker.start()
    assert said.args == ["ValueError: a header the loader did not expect"]
    assert worker.wait(10_000)


def test_a_worker_let_go_delivers_nothing_even_what_was_queued(qtbot: QtBot) -> None:
    worker, got = Gated(), []
    worker.done.connect(got.append)
    worker.start()
    worker.gate.set()
    assert worker.wait(10_000)  # done: its result queued for this thread, not delivered
    worker.let_go()
    for _ in range(5):
        QCoreApplication.processEvents()
    assert got == []
    worker.start()  # a retry that fires after the close
    assert not worker.isRunning() and worker.runs == 1


def test_a_worker_let_go_while_running_stops_at_its_next_check(qtbot: QtBot) -> None:
    worker, got, failed = Gated(), [], []
    worker.done.connect(got.append)
    worker.failed.connect(failed.append)
    worker.start()

    def release_once_let_go() -> None:  # the work goes on only after the let-go
        while not worker.stopping():
            threading.Event().wait(0.001)
        worker.gate.set()

    releasing = threading.Thread(target=release_once_let_go)
    releasing.start()
    worker.let_go()  # returns once the worker has finished
    releasing.join(30)
    assert worker.isFinished() and not worker.emitted  # it stopped at its check
    for _ in range(5):
        QCoreApplication.processEvents()
    assert got == [] and failed == []
