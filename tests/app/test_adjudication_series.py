"""The adjudicator's window when the readers read a timepoint on different series of its
study: the site's baseline study of the first patient holds a second, 10 mm series (written by
the sample generator, the site's PHI seeded into its headers too) and is imported
de-identified; alice reads BASELINE on the 10 mm series, bob on the import's 5 mm series.
Each reader's pane shows that reader's series with that reader's calipers on it, a notice
above the panes names both series (number, description, thickness: nothing identifying), the
comparison table still pairs the lesions, nothing identifying shows anywhere, and the final
CSV and the agreement report carry each reader's slice thickness (issue 6 items 4 and 6)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from deid.kit import HENRIETTA
from pytestqt.qtbot import QtBot

from reviewer_gui.cli import main

from .adjudication_kit import (
    add_thick_series,
    adjudications,
    baseline_series,
    case_of,
    export,
    identifying,
    open_window,
    read_case,
    show,
    texts_of,
    views,
)
from .review_kit import PASSWORDS, copy_study, import_study
from .series_kit import THICK_SERIES_NUMBER


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both patients imported; the first one's case read by alice (BASELINE on the 10 mm
    series, PD at FU2) and bob (on the import's series, PD at FU3)."""
    root = tmp_path_factory.mktemp("adjudication-series")
    path = import_study(root, site=add_thick_series)
    case = case_of(path)
    _, thick, _ = baseline_series(path, case)
    read_case(path, case, HENRIETTA.sample, "alice", pd_at="FU2", series={"BASELINE": thick})
    read_case(path, case, HENRIETTA.sample, "bob", pd_at="FU3")
    return path


@pytest.fixture
def study(prepared: Path, tmp_path: Path) -> Path:
    return copy_study(prepared, tmp_path)


def test_each_pane_shows_its_readers_series_and_calipers_and_the_difference_is_said(
        qtbot: QtBot, study: Path) -> None:
    case = case_of(study)
    imported, thick, number = baseline_series(study, case)
    window = open_window(qtbot, study, "carol")
    assert window.case_id == case and window.reads is not None
    alice, bob = window.reads
    assert alice.series_of("BASELINE") == thick and bob.series_of("BASELINE") == imported

    # The table pairs each lesion of both reads, whatever series each read was on: the same
    # baseline diameters on the 10 mm and the 5 mm series are not a difference.
    table, first = window.table, window.table.FIRST
    assert [r for r in table.row_lesions if r] == ["T1", "T1", "T2", "T2", "NT1", "NT1"]
    for row, lesion_id in enumerate(r for r in table.row_lesions if r):
        item = table.item(row, first)
        assert item is not None and item.text(), (row, lesion_id)
        assert (row, first) not in table.differing
    assert table.item(0, first).text() == table.item(1, first).text()  # type: ignore[union-attr]
    headers = [table.horizontalHeaderItem(first + t) for t in range(4)]
    assert [h.text().endswith(", 2 series") for h in headers if h] == [True, False, False, False]
    assert "alice and bob read this timepoint on different series" in headers[0].toolTip()  # type: ignore[union-attr]

    # T1 at BASELINE: alice's pane on her 10 mm series, bob's on the import's.
    show(qtbot, window, "T1", 0)
    mine, his = views(window)
    assert (mine.volume.series_uid, mine.volume.shape[0]) == (thick.series_uid, 10)
    assert (his.volume.series_uid, his.volume.shape[0]) == (imported.series_uid, 20)
    for view, read, series in ((mine, alice, thick), (his, bob, imported)):
        observation = read.observation("BASELINE", "T1")
        assert observation is not None
        axis = observation.fragments[0].long_axis
        assert axis.series_uid == series.series_uid
        shown = view.viewport.nav.index
        assert view.volume.sop_instance_uids[shown] == axis.sop_instance_uid
        on_slice = [m.caption for m in view.viewport.layer.items if m.slice_index == shown]
        assert "T1" in on_slice
        assert sorted(m.caption for m in view.viewport.layer.items) == ["NT1", "T1", "T2"]
        assert all(m.locked for m in view.viewport.layer.items)
    words = (f"series {THICK_SERIES_NUMBER} 'CT', 10 mm slices",
             f"series {number} 'CT', 5 mm slices")
    notice = window.images.notice
    assert not notice.isHidden()
    assert notice.text() == (f"\u26a0 Different series at BASELINE: alice on {words[0]}; bob "
                             f"on {words[1]}. Each pane shows its reader's own series and "
                             "calipers; slice numbers differ between the two.")  # fmt: skip
    for pane, view, said in zip(window.images.panes, (mine, his), words, strict=True):
        assert f"at <b>BASELINE</b> on <b>{said}</b>: T1 40.0 mm" in pane.heading.text()
        assert view.title_lines()[1] == said
    assert mine.title_lines()[0] == "alice  BASELINE" and his.title_lines()[0] == "bob  BASELINE"

    # Nothing identifying, the notice and the series lines included (the seeded series
    # description was removed at import: the modality names the series).
    texts = texts_of(window)
    assert notice.text() in texts and words[0] in texts
    needles = identifying(study)
    assert [(n, t) for t in texts for n in needles if n.lower() in t.lower()] == []

    # At FU1 both read the import's series: one series, shared, and no notice.
    show(qtbot, window, "T1", 1)
    mine, his = views(window)
    m2 = alice.series_of("FU1")
    assert m2 is not None and mine.volume.series_uid == his.volume.series_uid == m2.series_uid
    assert mine.volume is his.volume and notice.isHidden()
    show(qtbot, window, "T2", 0)  # back at BASELINE: both series loaded already
    mine, his = views(window)
    assert (mine.volume.shape[0], his.volume.shape[0]) == (10, 20) and not notice.isHidden()
    assert [m.caption for m in mine.viewport.layer.items
            if m.slice_index == mine.viewport.nav.index] == ["T2"]  # fmt: skip
    window.close()


def test_the_final_csv_and_the_agreement_report_keep_each_readers_slice_thickness(
        qtbot: QtBot, study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = case_of(study)
    window = open_window(qtbot, study, "carol")
    window.choose[0].click()  # alice's read, measured at BASELINE on the 10 mm series
    dialog = window.dialog
    assert dialog is not None
    dialog.reason.setPlainText("the 10 mm baseline series shows the lesions fully")
    dialog.password.setText(PASSWORDS["carol"])
    dialog.ok_button.click()
    assert not dialog.isVisible(), dialog.error.text()
    assert [c for c, _ in adjudications(study)] == ["alice"]
    window.close()

    final = export(monkeypatch, study, tmp_path / "final.csv", "carol", "--final")
    alice = export(monkeypatch, study, tmp_path / "alice.csv", "ada", "--reader", "alice")
    bob = export(monkeypatch, study, tmp_path / "bob.csv", "ada", "--reader", "bob")
    assert [{k: v for k, v in row.items() if k != "final_basis"} for row in final] == alice

    def thickness(rows: list[dict[str, str]]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for row in rows:
            found.setdefault(row["timepoint"], set()).add(row["slice_thickness_mm"])
        return found

    assert thickness(final) == {"BASELINE": {"10.0"}, "FU1": {"5.0"}, "FU2": {"5.0"},
                                "FU3": {"5.0"}}  # fmt: skip
    assert thickness(bob) == {label: {"5.0"} for label in ("BASELINE", "FU1", "FU2", "FU3")}

    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORDS['carol']}\n"))
    assert main(["agreement", str(study), "-o", str(tmp_path / "qc"), "--user", "carol",
                 "--password-stdin"]) == 0  # fmt: skip
    with (tmp_path / "qc" / "agreement_subjects.csv").open(newline="") as stream:
        (row,) = [r for r in csv.DictReader(stream) if r["subject_id"] == case]
    assert (row["reader_1"], row["reader_2"], row["bor_1"], row["bor_2"]) == (
        "alice", "bob", "SD", "PR")
    assert (row["chosen_reader"], row["final_reader"]) == ("alice", "alice")
    days = dt.date.fromisoformat(row["progression_date_2"]) - dt.date.fromisoformat(
        row["progression_date_1"])
    assert days.days == 63 == int(row["progression_days_apart"])
