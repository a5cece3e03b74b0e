"""From SR back to the reading model: our SRs, recorded into a fresh read and signed, give
the engine exactly the original read (the measurement CSV rows are equal); another tool's SR
is refused until each measurement has its lesion id, category and organ, then becomes a
draft."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from reading.kit import add_sample_subject, gen, volume

from reviewer_gui.engine_adapter import RecistEngine, export_rows
from reviewer_gui.reading import (
    Category,
    ReadingError,
    ReadingProject,
    ReadKey,
    State,
    plane_of,
)
from reviewer_gui.sr import read_sr, record_entries, sr_name
from reviewer_gui.store import Store

from .kit import Clock
from .test_dcmjs_import import ohif_writes

KEY = ReadKey("SUBJ-002", "alice")


def planes(case_id: str, label: str) -> dict[str, object]:
    vol = volume(case_id, label)
    return {uid: plane_of(vol, k) for k, uid in enumerate(vol.sop_instance_uids)}


def test_our_srs_record_back_to_the_same_read(exported: tuple[Path, Path]) -> None:
    project_path, folder = exported
    with Store.open(project_path, create=False) as store:
        original = store.load().reads[KEY]
    again = ReadingProject(engine=RecistEngine(), clock=Clock())
    add_sample_subject(again, KEY.case_id)
    for label in gen.TIMEPOINTS:
        sr = read_sr(folder / sr_name(original, label))
        record_entries(again, KEY, label, sr.entries, planes(KEY.case_id, label))  # type: ignore[arg-type]
        assert sr.signature is not None
        again.sign(KEY, label, meaning=sr.signature.meaning)
    rebuilt = again.read(KEY)
    assert export_rows([rebuilt]) == export_rows([original])  # what the engine sees
    assert rebuilt.lesions == original.lesions
    assert [s.meaning for s in rebuilt.signatures.values()] == [
        s.meaning for s in original.signatures.values()]


def test_another_tools_sr_needs_its_lesions_assigned(tmp_path: Path) -> None:
    sr = read_sr(ohif_writes(tmp_path))
    draft = ReadingProject(engine=RecistEngine(), clock=Clock())
    add_sample_subject(draft, "SUBJ-001")
    key = ReadKey("SUBJ-001", "carol")
    images = planes("SUBJ-001", "BASELINE")
    with pytest.raises(ReadingError, match="has no lesion id, category, organ: assign them"):
        record_entries(draft, key, "BASELINE", sr.entries, images)  # type: ignore[arg-type]
    assert not draft.read(key).lesions  # refused before anything was recorded
    by_tool = {e.tracking_identifier.rsplit(":", 1)[-1]: e for e in sr.entries}
    assigned = [
        dataclasses.replace(by_tool["Bidirectional"], lesion_id="T1", category=Category.TARGET,
                            organ="liver", state=State.PRESENT),
        dataclasses.replace(by_tool["Length"], lesion_id="T2", category=Category.TARGET,
                            organ="lung", state=State.PRESENT),
    ]  # fmt: skip
    record_entries(draft, key, "BASELINE", assigned, images)  # type: ignore[arg-type]
    read = draft.read(key)
    assert "BASELINE" not in read.signatures  # a draft
    for entry in assigned:
        (fragment,) = read.observation("BASELINE", entry.lesion_id).fragments  # type: ignore[union-attr]
        assert fragment.long_axis.length_mm == entry.fragments[0].long_axis.length_mm
