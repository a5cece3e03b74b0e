"""``recist-review export --sr``: one SR per signed timepoint read, read back identical, and
accepted by dicom3tools' dciodvfy, dcmtk's dsrdump and highdicom."""

from __future__ import annotations

from pathlib import Path

import highdicom as hd
import pydicom
import pytest
from review.kit import CASE, PLANE, add_case, mm

from reviewer_gui.cli import main
from reviewer_gui.engine_adapter import RecistEngine, export_rows
from reviewer_gui.reading import Category, ReadKey, ReadView
from reviewer_gui.sr import SrFragment, entries_of, read_sr, sr_name, tracking_uid
from reviewer_gui.store import Store

from .kit import MEANING, NT1_DETAIL, T2_DETAIL, dciodvfy_errors, dsrdump
from .kit import project as open_project

LABELS = ("BASELINE", "M2", "M4", "M6")
KEYS = (ReadKey("SUBJ-001", "alice"), ReadKey("SUBJ-001", "bob"), ReadKey("SUBJ-002", "alice"))


def reads(project: Path) -> dict[ReadKey, ReadView]:
    with Store.open(project, create=False) as store:
        return dict(store.load().reads)


def test_one_file_per_signed_timepoint_named_for_people(exported: tuple[Path, Path]) -> None:
    project, folder = exported
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(f"{k.case_id}_{k.reader}_{i:02d}-{label}_SR.dcm"
                           for k in KEYS for i, label in enumerate(LABELS, 1))  # fmt: skip
    for key, read in reads(project).items():
        assert sr_name(read, "M2") == f"{key.case_id}_{key.reader}_02-M2_SR.dcm"


def test_every_sr_round_trips_to_the_same_read(exported: tuple[Path, Path]) -> None:
    project, folder = exported
    engine = RecistEngine()
    for key, read in reads(project).items():
        columns = {c.label: c for c in engine.grid(read).columns}
        for label in LABELS:
            back = read_sr(folder / sr_name(read, label))
            assert (back.case_id, back.reader, back.timepoint) == (key.case_id, key.reader, label)
            assert back.entries == entries_of(read, label)
            assert back.signature == read.signatures[label]
            column = columns[label]
            want = {f: getattr(column, f) for f in ("target_response", "non_target_response",
                                                    "new_lesions", "overall_response")}
            assert back.responses == {f: v for f, v in want.items() if v is not None}


def test_the_rich_read_keeps_every_kind_of_entry(exported: tuple[Path, Path]) -> None:
    project, folder = exported
    read = reads(project)[ReadKey("SUBJ-002", "alice")]
    m6 = read_sr(folder / sr_name(read, "M6"))
    by_id = {e.lesion_id: e for e in m6.entries}
    assert [f.name for f in by_id["T1"].fragments] == ["a", "b"]
    assert by_id["T2"].state.value == "TOO_SMALL" and by_id["T2"].detail == T2_DETAIL
    assert by_id["NT1"].state.value == "PROGRESSION" and by_id["NT1"].detail == NT1_DETAIL
    assert by_id["N1"].category.value == "NEW" and by_id["N1"].fragments  # type: ignore[union-attr]
    assert m6.signature is not None and m6.signature.meaning == MEANING
    assert m6.responses == {"target_response": "SD", "non_target_response": "PD",
                            "new_lesions": "Y", "overall_response": "PD"}  # fmt: skip
    m4 = read_sr(folder / sr_name(read, "M4"))
    states = {e.lesion_id: e.state.value for e in m4.entries}  # type: ignore[union-attr]
    assert states == {"T1": "PRESENT", "T2": "PRESENT", "NT1": "NOT_EVALUATED",
                      "N1": "EQUIVOCAL"}  # fmt: skip
    # every row of the CSV export (one per fragment, or per state) is in the SRs
    rows = [(r[2], r[4], r[10], r[11]) for r in export_rows([read])]
    held = [(label, e.lesion_id, e.state.value, f.name)  # type: ignore[union-attr]
            for label in LABELS for e in read_sr(folder / sr_name(read, label)).entries
            for f in (e.fragments or (SrFragment("", None),))]  # type: ignore[arg-type]
    assert sorted(held) == sorted(rows) and len(rows) == 15


def test_tracking_uids_follow_a_lesion_across_timepoints_of_one_read(
        exported: tuple[Path, Path]) -> None:  # fmt: skip
    project, folder = exported
    uids: dict[tuple[ReadKey, str, str], set[str]] = {}
    for key, read in reads(project).items():
        for label in LABELS:
            ds = pydicom.dcmread(folder / sr_name(read, label))
            for group in ds.ContentSequence[-1].ContentSequence:  # Imaging Measurements
                items = {i.ConceptNameCodeSequence[0].CodeMeaning: i for i in group.ContentSequence}
                if "Lesion identifier" in items:
                    fragment = items.get("Fragment of a split lesion")
                    uids.setdefault((key, items["Lesion identifier"].TextValue,
                                     fragment.TextValue if fragment else ""), set()).add(
                        items["Tracking Unique Identifier"].UID)  # fmt: skip
    assert all(len(found) == 1 for found in uids.values()), uids
    assert len(uids) == 3 + 3 + 4 + 2  # a split target's fragments are tracked on their own
    alice, bob = ReadKey("SUBJ-001", "alice"), ReadKey("SUBJ-001", "bob")
    assert uids[(alice, "T1", "")] != uids[(bob, "T1", "")]
    assert uids[(alice, "T1", "")] == {tracking_uid(reads(project)[alice], "T1")}


def test_the_sr_says_what_the_standard_asks(exported: tuple[Path, Path]) -> None:
    project, folder = exported
    read = reads(project)[ReadKey("SUBJ-002", "alice")]
    ds = pydicom.dcmread(folder / sr_name(read, "M6"))
    assert ds.SOPClassUID == "1.2.840.10008.5.1.4.1.1.88.34"  # Comprehensive 3D SR
    assert ds.ContentTemplateSequence[0].TemplateIdentifier == "1500"
    assert (ds.CompletionFlag, ds.VerificationFlag, ds.PreliminaryFlag) == (
        "COMPLETE", "VERIFIED", "FINAL")
    signature = read.signatures["M6"]
    observer = ds.VerifyingObserverSequence[0]
    assert str(observer.VerifyingObserverName) == "alice^"
    signed_at = signature.signed_at.strftime("%Y%m%d%H%M%S")
    assert str(observer.VerificationDateTime).startswith(signed_at)
    assert ds.SpecificCharacterSet == "ISO_IR 100"  # the Latin-1 free text of NT1
    images = {tp.label: tp.series for tp in read.timepoints}
    assert ds.StudyInstanceUID == images["M6"].study_uid  # type: ignore[union-attr]
    # highdicom reads it back: groups, tracking identifiers, finding sites with laterality
    sr = hd.sr.srread(folder / sr_name(read, "M6"))
    groups = sr.content.get_image_measurement_groups()
    identifiers = [g.tracking_identifier for g in groups]
    assert identifiers.count("Cornerstone3DTools@^0.1.0:Length") == 2  # T1's two fragments
    assert "Cornerstone3DTools@^0.1.0:Bidirectional" in identifiers  # N1
    t2 = next(g for g in groups if g.tracking_identifier == "RECIST 1.1 lesion T2")
    site = t2.finding_sites[0]
    assert (site.value.meaning, site.laterality.meaning) == ("Lymph Node", "Left")
    n1 = next(g for g in groups if g.tracking_identifier.endswith("Bidirectional"))
    assert [m.name.meaning for m in n1.get_measurements()] == ["Long Axis", "Short Axis"]
    assert all(m.referenced_coordinates for m in n1.get_measurements())


@pytest.mark.parametrize("checker", ["dciodvfy", "dsrdump"])
def test_independent_checkers_accept_every_sr(exported: tuple[Path, Path], checker: str) -> None:
    _, folder = exported
    files = sorted(folder.iterdir())
    assert len(files) == 12
    for path in files:
        if checker == "dciodvfy":
            assert dciodvfy_errors(path) == [], path.name
        else:
            done = dsrdump(path)
            assert (done.returncode, done.stderr) == (0, ""), path.name
            assert "Imaging Measurement Report" in done.stdout


def test_refusals_name_the_fix_and_write_nothing(
    exported: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project, folder = exported
    out = tmp_path / "out"
    assert main(["export", str(project), "--sr", str(out), "--reader", "carol"]) == 2
    assert "no read by reader 'carol'; readers: alice, bob" in capsys.readouterr().err
    assert main(["export", str(project), "--sr", str(out), "-o", str(tmp_path / "x.csv")]) == 2
    assert "leave out -o" in capsys.readouterr().err
    assert main(["export", str(project), "--sr", str(folder)]) == 2  # never over a file
    assert "12 SR file(s) already there" in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / "x.csv").exists()
    assert main(["export", str(project), "--sr", str(out), "--reader", "bob"]) == 0
    assert len(list(out.iterdir())) == 4  # bob's four timepoints, no staging folder left


def test_missing_images_refused_before_anything_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    p, store = open_project(tmp_path / "p.db")
    try:
        add_case(p)  # the review tests' case: timepoints without images
        key = ReadKey(CASE, "alice")
        p.add_lesion(key, Category.TARGET, "liver")
        p.measure(key, "BASELINE", "T1", mm(20), PLANE)
        p.sign(key, "BASELINE")
    finally:
        store.close()  # type: ignore[attr-defined]
    assert main(["export", str(tmp_path / "p.db"), "--sr", str(tmp_path / "sr")]) == 2
    err = capsys.readouterr().err
    assert f"{CASE} BASELINE has no images" in err and "nothing written" in err
    assert not (tmp_path / "sr").exists()
