"""The adjudication desk: when a subject is flagged, the adjudicator's signed choice, who may
do what, re-reads after a decision, settings, and the audit trail through all of it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reviewer_gui.reading import Category, ReadingError, State
from reviewer_gui.review import AuthenticationFailed, NotPermitted
from reviewer_gui.review.adjudication import AdjudicationDesk, Status
from reviewer_gui.review.side_by_side import side_by_side
from reviewer_gui.review.triggers import TriggerName
from reviewer_gui.store.verify import connect, verify

from .conftest import PASSWORDS, intact, open_as, query
from .kit import CASE, DATES, PLANE, mm

MEANING = "Reviewed and approved as read"
ADJUDICATED = "Adjudicated: this read is final"


def read_case(study: Path | str, reader: str, sums: dict[str, float], *, pd_at: str | None = None,
              labels: tuple[str, ...] = tuple(DATES)) -> None:  # fmt: skip
    """One target (liver) of ``sums[label]`` mm and one non-target (bone), signed timepoint
    by timepoint; the non-target progresses unequivocally at ``pd_at``."""
    with open_as(study, reader) as session:
        if not session.read(CASE).lesions:
            session.add_lesion(CASE, Category.TARGET, "liver", detail=f"{reader}'s T1")
            session.add_lesion(CASE, Category.NON_TARGET, "bone")
        for label in labels:
            session.measure(CASE, label, "T1", mm(sums[label]), PLANE)
            if label == pd_at:
                session.set_state(CASE, label, "NT1", State.PROGRESSION,
                                  reason="new lytic destruction of L2")  # fmt: skip
            else:
                session.set_state(CASE, label, "NT1", State.PRESENT)
            session.sign(CASE, label, name=reader, password=PASSWORDS[reader], meaning=MEANING)


SHRINKING = {"BASELINE": 30, "M2": 24, "M4": 20}  # SD at M2 (-20 %), PR at M4 (-33 %)


def decide(study: Path | str, chosen: str, **overrides: str) -> None:
    arguments = {"reason": "NT1 progression not unequivocal on M4", "name": "carol",
                 "password": PASSWORDS["carol"], "meaning": ADJUDICATED, **overrides}
    with open_as(study, "carol") as carol:
        AdjudicationDesk(carol).decide(CASE, chosen, **arguments)


def review(study: Path | str, name: str = "carol"):  # type: ignore[no-untyped-def]
    with open_as(study, name) as session:
        return AdjudicationDesk(session).case(CASE)


def test_a_subject_waits_until_both_reads_are_complete(study: Path | str) -> None:
    assert review(study).status is Status.WAITING
    assert review(study).note == "2 of the two reads not started"
    read_case(study, "alice", SHRINKING)
    read_case(study, "bob", SHRINKING, labels=("BASELINE", "M2"))
    waiting = review(study)
    # PostgreSQL shows the adjudicator no read of a subject before both are complete
    note = "not every timepoint signed by bob" if isinstance(study, Path) else (
        "2 of the two reads not started")  # fmt: skip
    assert (waiting.status, waiting.note) == (Status.WAITING, note)
    assert waiting.final_reader is None


def test_agreeing_reads_need_no_adjudicator_and_reader_1s_read_is_final(study: Path | str) -> None:
    read_case(study, "bob", SHRINKING)
    read_case(study, "alice", {**SHRINKING, "M4": 20.5})  # both PR at M4: they agree
    agreed = review(study)
    assert (agreed.status, agreed.readers, agreed.triggers) == (Status.AGREED,
                                                                ("alice", "bob"), ())
    assert agreed.final_reader == "alice"  # reader 1: first in name order
    assert agreed.endpoints["alice"].best_overall_response == "PR"
    with pytest.raises(ReadingError, match="only a flagged subject is adjudicated"):
        decide(study, "bob")


def test_disagreeing_reads_are_flagged_and_the_adjudicators_choice_is_final(
    study: Path | str,
) -> None:
    read_case(study, "alice", SHRINKING, pd_at="M4")
    read_case(study, "bob", SHRINKING)
    flagged = review(study)
    assert flagged.status is Status.FLAGGED and flagged.final_reader is None
    assert [t.name for t in flagged.triggers] == [TriggerName.PROGRESSION_DATE,
                                                  TriggerName.BEST_RESPONSE]  # fmt: skip
    assert flagged.triggers[0].explanation == "alice calls progression on 2024-05-06; bob " \
                                              "calls none"  # fmt: skip
    assert flagged.triggers[1].values == ("SD", "PR")
    decide(study, "bob")
    done = review(study)
    assert (done.status, done.final_reader) == (Status.ADJUDICATED, "bob")
    assert done.decision is not None
    assert (done.decision.signed_by, done.decision.meaning, done.decision.other_reader) == (
        "carol", ADJUDICATED, "alice")  # fmt: skip
    assert done.decision.triggers[0]["name"] == "progression-date"
    with pytest.raises(ReadingError, match="is adjudicated"):
        decide(study, "alice")
    assert intact(study)
    record = query(study, "SELECT actor, case_id, reason, after FROM audit_record WHERE "
                   "action = 'adjudicate'")  # fmt: skip
    assert [r[:3] for r in record] == [("carol", CASE, "NT1 progression not unequivocal on M4")]
    assert '"chosen_reader":"bob"' in record[0][3]


@pytest.mark.parametrize(("chosen", "overrides", "error", "message"), [
    ("bob", {"password": "wrong-pass-1"}, AuthenticationFailed, "wrong name or password"),
    ("bob", {"name": "alice", "password": PASSWORDS["alice"]}, AuthenticationFailed,
     "sign with your own name"),
    ("bob", {"reason": "  "}, ReadingError, "say why bob's read"),
    ("bob", {"meaning": ""}, ReadingError, "say what the signature means"),
    ("dave", {}, ReadingError, "'dave' did not read CASE-7: choose alice or bob"),
])  # fmt: skip
def test_a_decision_needs_a_reader_of_the_case_a_reason_and_the_adjudicators_signature(
    study: Path | str, chosen: str, overrides: dict[str, str], error: type[Exception], message: str
) -> None:
    read_case(study, "alice", SHRINKING, pd_at="M4")
    read_case(study, "bob", SHRINKING)
    if message == "sign with your own name" and isinstance(study, str):
        message = "wrong name or password"  # PostgreSQL: carol cannot even see alice's account
    with pytest.raises(error, match=message):
        decide(study, chosen, **overrides)
    assert review(study).status is Status.FLAGGED
    assert intact(study)


def test_readers_see_no_adjudication_and_only_the_adjudicator_decides(study: Path | str) -> None:
    read_case(study, "alice", SHRINKING, pd_at="M4")
    read_case(study, "bob", SHRINKING)
    for reader in ("alice", "bob"):
        with open_as(study, reader) as session, pytest.raises(NotPermitted, match="reader"):
            AdjudicationDesk(session)
    with open_as(study, "ada") as ada:
        desk = AdjudicationDesk(ada)
        assert [c.status for c in desk.cases()] == [Status.FLAGGED]  # she may look
        with pytest.raises(NotPermitted, match="only the adjudicator adjudicates"):
            desk.decide(CASE, "bob", reason="r", name="ada", password=PASSWORDS["ada"],
                        meaning=ADJUDICATED)  # fmt: skip
    with open_as(study, "carol") as carol, pytest.raises(NotPermitted, match="administrator"):
        AdjudicationDesk(carol).set_settings(AdjudicationDesk(carol).settings())


def test_a_re_read_after_the_decision_sends_the_subject_back_to_the_adjudicator(
    study: Path | str,
) -> None:
    read_case(study, "alice", SHRINKING, pd_at="M4")
    read_case(study, "bob", SHRINKING)
    decide(study, "alice")
    assert review(study).final_reader == "alice"
    with open_as(study, "bob") as bob:
        bob.reread(CASE, "M4", reason="T1 measured on the wrong slice")
    assert review(study).status is Status.WAITING
    read_case(study, "bob", {**SHRINKING, "M4": 21}, labels=("M4",))
    again = review(study)
    assert again.status is Status.FLAGGED
    assert again.note.endswith("was on reads changed since by a re-read)")
    assert intact(study)


def test_settings_are_the_administrators_audited_and_change_the_queue(study: Path | str) -> None:
    read_case(study, "alice", SHRINKING, pd_at="M4")
    read_case(study, "bob", SHRINKING)
    with open_as(study, "ada") as ada:
        desk = AdjudicationDesk(ada)
        assert desk.set_settings(desk.settings()) is None  # nothing changed, nothing recorded
        seq = desk.set_settings(desk.settings().changed(progression_date=False,
                                                        best_response=False),
                                reason="charter v2")  # fmt: skip
        assert seq is not None
        assert desk.settings().progression_date is False
        assert desk.case(CASE).status is Status.AGREED
    assert intact(study)
    rows = query(study, "SELECT name, value FROM adjudication_setting ORDER BY name")
    assert rows == [("best_response", "false"), ("progression_date", "false")]


def test_the_side_by_side_view_aligns_both_reads(study: Path | str) -> None:
    read_case(study, "alice", SHRINKING, pd_at="M4")
    read_case(study, "bob", {**SHRINKING, "M2": 25})
    with open_as(study, "carol") as carol:
        view = side_by_side(AdjudicationDesk(carol), CASE)
    assert view.readers == ("alice", "bob")
    assert [tp.label for tp in view.timepoints] == list(DATES)
    assert [(a.overall_response, b.overall_response) for a, b in view.columns] == [
        (None, None), ("SD", "SD"), ("PD", "PR")]  # fmt: skip
    assert [pair.lesion_id for pair in view.lesions] == ["T1", "NT1"]
    t1 = view.lesions[0]
    assert [lesion.detail for lesion in t1.lesions if lesion] == ["alice's T1", "bob's T1"]
    m2 = t1.cells[1]
    assert m2[0] is not None and m2[1] is not None
    assert (m2[0].cell.diameter_mm, m2[1].cell.diameter_mm) == (24, 25)
    assert (m2[0].slice_index, m2[0].sop_instance_uid) == (PLANE.slice_index,
                                                           PLANE.sop_instance_uid)  # fmt: skip
    nt1_m4 = view.lesions[1].cells[2]
    assert nt1_m4[0] is not None and nt1_m4[1] is not None
    assert (nt1_m4[0].cell.state, nt1_m4[1].cell.state) == (State.PROGRESSION, State.PRESENT)
    assert [t.name for t in view.review.triggers] == [TriggerName.PROGRESSION_DATE,
                                                      TriggerName.BEST_RESPONSE]  # fmt: skip


def test_editing_a_decision_behind_the_applications_back_breaks_the_chain(
    sqlite_study: Path,
) -> None:
    study = sqlite_study
    read_case(study, "alice", SHRINKING, pd_at="M4")
    read_case(study, "bob", SHRINKING)
    decide(study, "bob")
    db = sqlite3.connect(study, isolation_level=None)
    db.execute("DROP TRIGGER adjudication_no_update")
    db.execute("UPDATE adjudication SET chosen_reader = 'alice', other_reader = 'bob'")
    db.close()
    checked = connect(study)
    try:
        report = verify(checked)
    finally:
        checked.close()
    seq = [p.seq for p in report.problems if p.seq is not None]
    assert seq and "adjudication.chosen_reader was 'bob' when recorded, is 'alice' now" in str(
        report.problems)  # fmt: skip
    assert any("trigger adjudication_no_update is missing" in p.message for p in report.problems)
