"""The adjudicator's window when a reader's caliper lies on another series than the one that
reader read the timepoint on, and when one reader has no caliper where the other measured.

The first patient's baseline study holds a second, 10 mm series (the site's PHI seeded in) and
is imported de-identified. alice measured T1 and NT1 at BASELINE on the 10 mm series, then
chose the import's 5 mm series for the timepoint and measured T2 on it before signing (the
calipers keep their series, ``ReadingProject.choose_series``); bob read BASELINE on the 5 mm
series and judged NT1 present without a caliper. The pane of a reader follows that reader's
caliper of the chosen lesion and says it was read on another series; the pane of a reader
without a caliper goes to the other reader's slice by patient position along the slice normal
(DICOM PS3.3 C.7.6.2 Image Position (Patient), one frame of reference), not by slice number.
Nothing identifying shows anywhere (issue 6 item 4, PS3.15 Annex E)."""

from __future__ import annotations

from pathlib import Path

import pytest
from deid.kit import HENRIETTA
from pytestqt.qtbot import QtBot

from reviewer_gui.qt.adjudication_images import ReaderView
from reviewer_gui.qt.adjudication_window import AdjudicationWindow
from reviewer_gui.reading import ReadView

from .adjudication_kit import (
    add_thick_series,
    baseline_series,
    case_of,
    identifying,
    open_window,
    read_case,
    show,
    texts_of,
    views,
)
from .review_kit import copy_study, import_study
from .series_kit import THICK_SERIES_NUMBER


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """alice: T1 and NT1 measured on the 10 mm series, BASELINE then read on the import's
    series (T2 measured there), PD at FU2; bob: all on the import's series, NT1 without a
    caliper at BASELINE, PD at FU3."""
    root = tmp_path_factory.mktemp("adjudication-caliper-series")
    path = import_study(root, site=add_thick_series)
    case = case_of(path)
    imported, thick, _ = baseline_series(path, case)
    read_case(path, case, HENRIETTA.sample, "alice", pd_at="FU2",
              series={"BASELINE": imported},
              measured_on={("BASELINE", "T1"): thick, ("BASELINE", "NT1"): thick})  # fmt: skip
    read_case(path, case, HENRIETTA.sample, "bob", pd_at="FU3",
              no_caliper={("BASELINE", "NT1")})  # fmt: skip
    return path


@pytest.fixture
def study(prepared: Path, tmp_path: Path) -> Path:
    return copy_study(prepared, tmp_path)


def axis_of(read: ReadView, lesion_id: str) -> tuple[str, str]:
    """(series uid, SOP Instance UID) of the reader's caliper of the lesion at BASELINE."""
    observation = read.observation("BASELINE", lesion_id)
    assert observation is not None and observation.fragments
    axis = observation.fragments[0].long_axis
    return axis.series_uid, axis.sop_instance_uid


def on_shown_slice(view: ReaderView) -> list[str]:
    return sorted(m.caption for m in view.viewport.layer.items
                  if m.slice_index == view.viewport.nav.index)  # fmt: skip


def z_shown(view: ReaderView) -> float:
    return view.volume.slice_positions_mm[view.viewport.nav.index]


def no_identifying_text(window: AdjudicationWindow, study: Path) -> None:
    texts = texts_of(window)
    needles = identifying(study)
    assert [(n, t) for t in texts for n in needles if n.lower() in t.lower()] == []


def test_a_pane_follows_its_readers_caliper_onto_another_series_than_the_one_read(
        qtbot: QtBot, study: Path) -> None:
    case = case_of(study)
    imported, thick, number = baseline_series(study, case)
    window = open_window(qtbot, study, "carol")
    assert window.case_id == case and window.reads is not None
    alice, bob = window.reads
    # Both read BASELINE on the import's series; alice's T1 and NT1 lie on the 10 mm one.
    assert alice.series_of("BASELINE") == imported == bob.series_of("BASELINE")
    assert alice.series_choices["BASELINE"] == imported  # chosen back before signing
    assert axis_of(alice, "T1")[0] == axis_of(alice, "NT1")[0] == thick.series_uid
    assert axis_of(alice, "T2")[0] == axis_of(bob, "T1")[0] == imported.series_uid
    # The table marks the timepoints the readers *read* on different series: none here.
    headers = [window.table.horizontalHeaderItem(window.table.FIRST + t) for t in range(4)]
    assert [h.text().endswith("2 series") for h in headers if h] == [False] * 4

    show(qtbot, window, "T1", 0)
    mine, his = views(window)
    assert (mine.volume.series_uid, mine.volume.shape[0]) == (thick.series_uid, 10)
    assert (his.volume.series_uid, his.volume.shape[0]) == (imported.series_uid, 20)
    for view, read in ((mine, alice), (his, bob)):
        assert view.volume.sop_instance_uids[view.viewport.nav.index] == axis_of(read, "T1")[1]
        assert "T1" in on_shown_slice(view)
        assert all(m.locked for m in view.viewport.layer.items)
    # Each pane draws the reader's calipers that lie on the series it shows, and only those.
    assert sorted(m.caption for m in mine.viewport.layer.items) == ["NT1", "T1"]
    assert sorted(m.caption for m in his.viewport.layer.items) == ["T1", "T2"]

    thick_words = f"series {THICK_SERIES_NUMBER} 'CT', 10 mm slices"
    read_words = f"series {number} 'CT', 5 mm slices"
    first, second = (pane.heading.text() for pane in window.images.panes)
    slices = [f"on slice {v.viewport.nav.count - v.viewport.nav.index} of {v.viewport.nav.count}"
              for v in (mine, his)]  # numbered from the head, as the readout  # fmt: skip
    assert first.endswith(f"at <b>BASELINE</b> on <b>{thick_words}</b> (measured there; "
                          f"BASELINE was read on {read_words}): T1 40.0 mm (long axis) "
                          f"{slices[0]}")  # fmt: skip
    assert second.endswith(f"at <b>BASELINE</b> on <b>{read_words}</b>: T1 40.0 mm (long "
                           f"axis) {slices[1]}")  # fmt: skip
    assert "measured there" not in second
    assert mine.title_lines() == ["alice  BASELINE", thick_words]
    assert his.title_lines() == ["bob  BASELINE", read_words]
    notice = window.images.notice
    assert not notice.isHidden()
    assert notice.text().startswith(f"\u26a0 Different series at BASELINE: alice on "
                                    f"{thick_words}; bob on {read_words}.")  # fmt: skip
    texts = texts_of(window)
    assert window.images.panes[0].heading.text() in texts and thick_words in texts
    no_identifying_text(window, study)

    # T2: alice measured it on the series she read BASELINE on: one series, no notice.
    show(qtbot, window, "T2", 0)
    mine, his = views(window)
    assert mine.volume is his.volume and mine.volume.series_uid == imported.series_uid
    assert notice.isHidden()
    assert "measured there" not in window.images.panes[0].heading.text()
    assert sorted(m.caption for m in mine.viewport.layer.items) == ["T2"]
    assert mine.volume.sop_instance_uids[mine.viewport.nav.index] == axis_of(alice, "T2")[1]
    assert on_shown_slice(mine) == ["T2"]
    window.close()


def test_a_reader_without_a_caliper_is_shown_the_other_readers_slice_by_position(
        qtbot: QtBot, study: Path) -> None:
    case = case_of(study)
    imported, thick, number = baseline_series(study, case)
    window = open_window(qtbot, study, "carol")
    assert window.reads is not None
    alice, bob = window.reads
    observation = bob.observation("BASELINE", "NT1")
    assert observation is not None and not observation.fragments  # judged, no caliper

    show(qtbot, window, "NT1", 0)
    mine, his = views(window)
    assert mine.volume.series_uid == thick.series_uid
    assert his.volume.series_uid == imported.series_uid
    sop = axis_of(alice, "NT1")[1]
    assert mine.volume.sop_instance_uids[mine.viewport.nav.index] == sop
    assert on_shown_slice(mine) == ["NT1"]
    # bob's 5 mm slice lies within alice's 10 mm slice: its centre at most half a 5 mm slice
    # from hers, and the nearest of bob's slices to it. Slice numbers differ (20 vs 10).
    assert abs(z_shown(his) - z_shown(mine)) <= 2.5 + 1e-6
    assert min(abs(z - z_shown(mine)) for z in his.volume.slice_positions_mm) == pytest.approx(
        abs(z_shown(his) - z_shown(mine)))
    assert his.viewport.nav.index != mine.viewport.nav.index
    assert his.volume.sop_instance_uids[his.viewport.nav.index] not in mine.volume.sop_instance_uids
    assert "NT1" not in [m.caption for m in his.viewport.layer.items]
    assert sorted(m.caption for m in his.viewport.layer.items) == ["T1", "T2"]

    first, second = (pane.heading.text() for pane in window.images.panes)
    read_words = f"series {number} 'CT', 5 mm slices"
    assert f"(measured there; BASELINE was read on {read_words}): NT1 " in first
    assert second.endswith(f"at <b>BASELINE</b> on <b>{read_words}</b>: NT1, no caliper; "
                           "shown where alice measured NT1")  # fmt: skip
    assert not window.images.notice.isHidden()
    no_identifying_text(window, study)

    # Back to a lesion both measured: each pane at its own caliper again.
    show(qtbot, window, "T1", 0)
    mine, his = views(window)
    assert his.volume.sop_instance_uids[his.viewport.nav.index] == axis_of(bob, "T1")[1]
    assert "shown where" not in window.images.panes[1].heading.text()
    window.close()
