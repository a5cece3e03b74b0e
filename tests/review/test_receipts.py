"""Issue 14, section 5: signed reads lost with the trailing audit records are detected. Every
e-signature writes a receipt (project id, sequence, hash) outside the project; ``audit
verify`` checks the chain against them, so a WAL deleted under a killed session, or a copy
restored from before the last signature, is reported without anyone keeping a head."""

from __future__ import annotations

import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer_gui.cli import main
from reviewer_gui.reading import Category, ImagePlane, State
from reviewer_gui.review.receipts import ReceiptUnwritable, check_receipts
from reviewer_gui.store import Store
from reviewer_gui.store.verify import connect

from .conftest import PASSWORDS, make_study, open_as
from .kit import CASE, mm
from .test_sessions import MEANING, read_baseline

PLANE = ImagePlane(11, "1.2.826.0.1.11", (0.5, 0.5))
ALICE = PASSWORDS["alice"]

CHILD = textwrap.dedent(f"""
    import signal, sys
    from reviewer_gui.engine_adapter import RecistEngine
    from reviewer_gui.reading import ImagePlane, Point, Segment, State
    from reviewer_gui.review import sign_in

    session = sign_in(sys.argv[1], "alice", sys.argv[2], engine=RecistEngine())
    plane = ImagePlane(11, "1.2.826.0.1.11", (0.5, 0.5))
    for label in ("M2", "M4"):
        session.measure("{CASE}", label, "T1", Segment(Point(50, 40), Point(50, 100)), plane)
        session.set_state("{CASE}", label, "NT1", State.PRESENT)
        session.sign("{CASE}", label, name="alice", password=sys.argv[2], meaning="{MEANING}")
    print("signed", flush=True)
    signal.pause()
""")


@pytest.fixture
def study(sqlite_study: Path) -> Path:
    """The receipts are checked against a project file, its WAL deleted or copied: SQLite
    only (a PostgreSQL project writes no receipts yet, issue 11)."""
    return sqlite_study


def verify_out(path: Path, *extra: str) -> tuple[int, str]:
    capture = io.StringIO()
    stdout, sys.stdout = sys.stdout, capture
    try:
        status = main(["audit", "verify", str(path), *extra])
    finally:
        sys.stdout = stdout
    return status, capture.getvalue()


def sign_baseline(study: Path) -> None:
    with open_as(study, "alice") as alice:
        read_baseline(alice, 30)
        alice.sign(CASE, "BASELINE", name="alice", password=ALICE, meaning=MEANING)


def test_signed_reads_lost_with_a_deleted_wal_are_reported(study: Path) -> None:
    sign_baseline(study)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(study), ALICE],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "signed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    wal = Path(f"{study}-wal")
    assert wal.stat().st_size > 0  # the two signatures are in the WAL only
    wal.unlink()
    Path(f"{study}-shm").unlink()
    with Store.open(study) as store:
        assert set(store.load().reads[next(iter(store.load().reads))].signatures) == {"BASELINE"}
    status, out = verify_out(study)
    assert status == 1, out
    assert f"(sign {CASE}/alice/M4) is gone" in out and "signed records were lost" in out
    assert f"(sign {CASE}/alice/M2) is gone" in out


def test_receipts_hold_for_an_intact_project(study: Path) -> None:
    sign_baseline(study)
    receipts = Path(f"{study}.receipts").read_text().splitlines()
    assert len(receipts) == 1 and receipts[0].split(" ")[3:] == [
        "sign", f"{CASE}/alice/BASELINE"]
    status, out = verify_out(study)
    assert status == 0 and "e-signature receipts hold: 1 checked" in out, out


def test_the_administrator_sets_the_receipts_file_outside_the_project(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = tmp_path / "tmf" / "study.receipts"
    kept.parent.mkdir()
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORDS['ada']}\n"))
    assert main(["audit", "receipts", str(study), "--file", str(kept), "--admin", "ada",
                 "--password-stdin"]) == 0  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORDS['alice']}\n"))
    assert main(["audit", "receipts", str(study), "--file", str(kept), "--admin", "alice",
                 "--password-stdin"]) == 2  # fmt: skip
    sign_baseline(study)
    assert len(kept.read_text().splitlines()) == 1
    assert not Path(f"{study}.receipts").exists()
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    assert verify_out(study)[0] == 0


def test_no_receipt_no_signature(study: Path, tmp_path: Path) -> None:
    """A receipts file that cannot be written refuses the signature: nothing is signed."""
    blocked = Path(f"{study}.receipts")
    blocked.mkdir()  # a folder where the file should be
    with open_as(study, "alice") as alice:
        read_baseline(alice, 30)
        with pytest.raises(ReceiptUnwritable, match="nothing was signed"):
            alice.sign(CASE, "BASELINE", name="alice", password=ALICE, meaning=MEANING)
        assert alice.read(CASE).signatures == {}


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Path]:
    """Snapshots of a project after each action of a reading (three signatures among
    them), and the receipts file as it stands at the end."""
    root = tmp_path_factory.mktemp("history")
    study = make_study(root)
    snapshots: list[Path] = []

    def snap() -> None:
        target = root / f"snap{len(snapshots):02d}.db"
        source, copy = sqlite3.connect(study), sqlite3.connect(target)
        source.backup(copy)
        source.close()
        copy.close()
        snapshots.append(target)

    with open_as(study, "alice") as alice:
        snap()
        alice.add_lesion(CASE, Category.TARGET, "liver")
        snap()
        alice.add_lesion(CASE, Category.NON_TARGET, "bone")
        for label, length in (("BASELINE", 30), ("M2", 25), ("M4", 20)):
            alice.measure(CASE, label, "T1", mm(length), PLANE)
            snap()
            alice.set_state(CASE, label, "NT1", State.PRESENT)
            alice.sign(CASE, label, name="alice", password=ALICE, meaning=MEANING)
            snap()
    receipts = root / "kept.receipts"
    shutil.copy(Path(f"{study}.receipts"), receipts)
    return snapshots, receipts


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.data())
def test_any_copy_from_before_the_last_signature_is_caught(
    history: tuple[list[Path], Path], data: st.DataObject
) -> None:
    """Property: a project rolled back to any earlier moment (records cut off with their
    rows, which the chain alone cannot see) fails against the receipts exactly when it lost
    a signed record; the last state passes."""
    snapshots, receipts = history
    index = data.draw(st.integers(min_value=0, max_value=len(snapshots) - 1))
    db = connect(snapshots[index])
    try:
        report = check_receipts(db, snapshots[index], receipts)
        last = db.execute("SELECT max(seq) FROM audit_record").fetchone()[0]
    finally:
        db.close()
    assert report.receipts == 3
    assert (report.problems == ()) == (last >= (report.latest or 0))
    assert (report.problems == ()) == (index == len(snapshots) - 1)


def test_an_adjudication_leaves_its_receipt_and_its_loss_is_reported(study: Path,
                                                                    tmp_path: Path) -> None:
    from .test_adjudication import SHRINKING, decide, read_case

    read_case(study, "alice", SHRINKING, pd_at="M4")
    read_case(study, "bob", SHRINKING)
    with Store.open(study):
        pass
    before = tmp_path / "before-decision.db"
    shutil.copy(study, before)
    decide(study, "bob")
    lines = Path(f"{study}.receipts").read_text().splitlines()
    assert len(lines) == 7 and lines[-1].endswith(f"adjudicate {CASE}: bob's read")
    assert verify_out(study)[0] == 0
    status, out = verify_out(before, "--receipts", f"{study}.receipts")
    assert status == 1 and f"(adjudicate {CASE}: bob's read) is gone" in out, out
