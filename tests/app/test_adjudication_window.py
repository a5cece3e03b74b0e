"""The adjudicator's window (issue 6 item 4): two readers read a subject differently (alice
calls progression at FU2, bob at FU3; bob measured T1 at FU2 on the next slice), the window
lists the flagged subject with its triggers in words, highlights where the reads differ,
draws each reader's calipers on the same series at the slice each measured on, refuses a
decision without a reason or with a wrong password, records the signed choice (the final CSV
is then the chosen read; ``audit verify`` passes), and never shows PHI, the arm or a date.
A reader cannot open it (domain brief, BICR section)."""

from __future__ import annotations

import datetime as dt
import io
import re
import sqlite3
from pathlib import Path

import pytest
from deid.kit import date_spellings
from pytestqt.qtbot import QtBot

from reviewer_gui.cli import main
from reviewer_gui.deid import default_key_file
from reviewer_gui.qt.adjudication_app import adjudication_sign_in
from reviewer_gui.qt.adjudication_views import DIFFERS
from reviewer_gui.qt.adjudication_window import AdjudicationWindow
from reviewer_gui.review import sign_in
from reviewer_gui.store import Store

from .adjudication_kit import adjudications, export, open_window, read_case, texts_of
from .review_kit import PASSWORDS, PATIENTS, copy_study, import_study, samples

ARM = "ARM-LU177-SECRET"
REAL_RANDOMIZATION = "2024-01-10"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both patients imported; the first one's case read by alice (PD at FU2) and bob (PD at
    FU3), the second's not read (waiting); the trial's randomization dates and arms given."""
    root = tmp_path_factory.mktemp("adjudication")
    path = import_study(root)
    case = next(c for c, p in samples(path).items() if p is PATIENTS[0])
    read_case(path, case, PATIENTS[0].sample, "alice", pd_at="FU2")
    read_case(path, case, PATIENTS[0].sample, "bob", pd_at="FU3")
    subjects = root / "subjects.csv"
    subjects.write_text("subject_id,randomization_date,arm\n" + "".join(
        f"{p.patient_id},{REAL_RANDOMIZATION},{ARM}\n" for p in PATIENTS))  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(f"{PASSWORDS['ada']}\n"))
        assert main(["adjudication", "reference", str(path), str(subjects), "--key-file",
                     str(default_key_file(path.parent)), "--user", "ada",
                     "--password-stdin"]) == 0  # fmt: skip
    return path


@pytest.fixture
def study(prepared: Path, tmp_path: Path) -> Path:
    return copy_study(prepared, tmp_path)


def refused_openings(path: Path) -> list[tuple[str, str]]:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT actor, reason FROM audit_record WHERE action = "
                          "'open-adjudication-refused' ORDER BY seq").fetchall()  # fmt: skip
    finally:
        db.close()


def actions(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return [r[0] for r in db.execute("SELECT action FROM audit_record ORDER BY seq")]
    finally:
        db.close()


def test_the_adjudicator_compares_both_reads_on_the_images_and_signs_the_choice(
        qtbot: QtBot, study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = samples(study)
    flagged = next(c for c, p in cases.items() if p is PATIENTS[0])
    window = open_window(qtbot, study, "carol")

    # The queue: the flagged subject only, by case id, with what disagrees.
    assert [window.flagged.item(k).text() for k in range(window.flagged.count())] == [  # type: ignore[union-attr]
        f"{flagged}\nflagged: date of progression, best overall response"]
    assert window.adjudicated.count() == 0
    assert "1 to adjudicate; 1 waiting for both reads; 0 agreed" in window.counts.text()
    assert window.case_id == flagged  # opened at the first subject to adjudicate
    header = window.header.text()
    assert "Date of progression: progression dates differ by 63 days" in header
    assert "alice FU2 (day " in header and "bob FU3 (day " in header
    assert "Best overall response: alice SD, bob PR" in header

    # Differences highlighted: NT1 at FU2 (alice: unequivocal PD), the overall responses.
    table, first = window.table, window.table.FIRST
    nt1 = table.row_lesions.index("NT1")
    fu2 = first + 2
    assert {(nt1, fu2), (nt1 + 1, fu2)} <= table.differing
    assert "unequivocal PD" in table.item(nt1, fu2).text()  # type: ignore[union-attr]
    overall = len(table.row_lesions) - 2  # the last pair of rows: overall response
    assert table.item(overall, fu2).text() == "PD"  # type: ignore[union-attr]
    assert table.item(overall + 1, fu2).text() != "PD"  # type: ignore[union-attr]
    assert (overall, fu2) in table.differing
    t1 = table.row_lesions.index("T1")
    assert (t1, first) not in table.differing  # the same T1 at baseline: not highlighted
    for row, column in ((nt1, fu2), (overall + 1, fu2)):
        assert table.item(row, column).background().color() == DIFFERS  # type: ignore[union-attr]
    assert table.item(t1, first).background().color() != DIFFERS  # type: ignore[union-attr]
    assert (window.lesion_id, window.timepoint) == ("NT1", 2)  # the first difference, shown
    assert "Why?" in window.why.text() and "alice</b></span> at FU2: <b>PD" in window.why.text()
    endpoints = window.endpoints
    assert {(0, 1), (1, 1), (0, 2), (1, 2)} <= endpoints.differing  # progression, best

    # T1 at FU2: each reader's caliper, on the slice that reader measured it on.
    table.setCurrentCell(t1, fu2)
    qtbot.waitUntil(lambda: not window.loading(), timeout=30_000)
    assert (window.lesion_id, window.timepoint) == ("T1", 2)
    slices = []
    for pane, reader in zip(window.images.panes, ("alice", "bob"), strict=True):
        view = pane.view
        assert view is not None and view.volume.shape[0] > 1
        (caliper,) = [m for m in view.viewport.layer.items if m.caption == "T1"]
        assert caliper.locked and view.viewport.nav.index == caliper.slice_index
        assert reader in view.title_lines()[0] and "FU2" in view.title_lines()[0]
        assert "Tool: none (read-only)" in view.viewport.readout()[2]  # nothing to measure
        assert f"<b>{reader}</b>" in pane.heading.text() and "T1" in pane.heading.text()
        slices.append(caliper.slice_index)
    assert slices[1] == slices[0] + 1  # bob's on the next slice, each view on its own
    assert window.images.panes[0].view is not window.images.panes[1].view

    # Nothing identifying: no PHI, no arm, no real and no (shifted) scan date anywhere.
    with sign_in(study, "ada", PASSWORDS["ada"]) as ada:
        shifted = [f"{tp.scan_date:%Y-%m-%d}" for c in cases for tp in ada.timepoints(c)]
    needles = [s for p in PATIENTS for s in p.strings()] + [ARM, *shifted]
    needles += [s for p in PATIENTS for d in p.real_dates() for s in date_spellings(d)]
    needles += date_spellings(dt.date.fromisoformat(REAL_RANDOMIZATION))
    texts = texts_of(window)
    assert flagged in "\n".join(texts)  # the walk sees the window
    assert [(n, t) for t in texts for n in needles if n.lower() in t.lower()] == []

    # Choosing bob's read: a reason is required, then the signature.
    window.choose[1].click()
    dialog = window.dialog
    assert dialog is not None and dialog.isVisible() and dialog.name.text() == "carol"
    dialog.password.setText(PASSWORDS["carol"])
    dialog.ok_button.click()
    assert dialog.isVisible() and "Give the reason" in dialog.error.text()
    assert adjudications(study) == []
    reason = "the FU2 node is unchanged on the soft-tissue window; progression is at FU3"
    dialog.reason.setPlainText(reason)
    dialog.password.setText("not-carols-password")
    dialog.ok_button.click()
    assert dialog.isVisible() and "Wrong name or password" in dialog.error.text()
    assert dialog.password.text() == "" and adjudications(study) == []
    assert "adjudicate-refused" in actions(study)
    assert [(n, t) for t in texts_of(window) for n in needles if n.lower() in t.lower()] == []
    dialog.password.setText(PASSWORDS["carol"])
    dialog.ok_button.click()
    assert not dialog.isVisible(), dialog.error.text()
    assert adjudications(study) == [("bob", reason)]

    # The decision shown; the subject leaves the flagged list.
    assert window.flagged.count() == 0 and window.adjudicated.count() == 1
    assert window.adjudicated.item(0).text() == f"{flagged}\nadjudicated: bob's read"  # type: ignore[union-attr]
    decided = window.decision.text()
    assert "carol chose <b>bob's read</b> as final" in decided and reason in decided
    assert re.search(r"on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(audit record \d+\)", decided)
    assert not any(button.isEnabled() for button in window.choose)
    assert "bob's read is final" in window.message.text()
    window.close()

    # The final CSV is bob's read; the audit chain holds.
    final = export(monkeypatch, study, tmp_path / "final.csv", "carol", "--final")
    bob = export(monkeypatch, study, tmp_path / "bob.csv", "ada", "--reader", "bob")
    assert {row["reader"] for row in final} == {"bob"}
    assert [{k: v for k, v in row.items() if k != "final_basis"} for row in final] == bob
    assert main(["audit", "verify", str(study)]) == 0


def test_a_reader_cannot_open_the_adjudication_window(qtbot: QtBot, study: Path,
                                                       tmp_path: Path) -> None:  # fmt: skip
    opened: list[AdjudicationWindow] = []
    dialog = adjudication_sign_in(study, opened.append)
    qtbot.addWidget(dialog)
    dialog.open()
    for name in ("alice", "bob"):
        dialog.name.setText(name)
        dialog.password.setText(PASSWORDS[name])
        dialog.ok_button.click()
        assert opened == [] and dialog.isVisible()
        assert f"{name} is a reader" in dialog.error.text()
        assert "never sees the other reader's read" in dialog.error.text()
    assert refused_openings(study) == [("alice", "a reader may not see both reads"),
                                       ("bob", "a reader may not see both reads")]
    dialog.name.setText("carol")
    dialog.password.setText("wrong-password-1")
    dialog.ok_button.click()
    assert opened == [] and "Wrong name or password" in dialog.error.text()
    dialog.password.setText(PASSWORDS["carol"])
    dialog.ok_button.click()
    assert not dialog.isVisible() and len(opened) == 1
    window = opened[0]
    qtbot.addWidget(window)
    assert "signed in as carol (adjudicator)" in window.windowTitle()
    assert all(button.isEnabled() for button in window.choose)
    window.close()

    admin = open_window(qtbot, study, "ada")  # the administrator looks, never decides
    assert admin.flagged.count() == 1 and not any(b.isEnabled() for b in admin.choose)
    assert "Only the adjudicator decides" in admin.decision.text()
    admin.close()

    assert main(["adjudicate", str(tmp_path / "missing.db")]) == 2
    empty = tmp_path / "no-users.db"
    Store.open(empty).close()
    assert main(["adjudicate", str(empty)]) == 2  # no adjudicator: a blinded review has one
