"""Measurement labels stay inside the view and clear of the corner texts (issue 15, bug 7:
"T2 15.5 x L 2": a label ran under the right orientation letter and off the view's edge)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from reviewer_gui.qt import open_series
from reviewer_gui.qt._overlay import corner_boxes, scale_bar_box
from reviewer_gui.viewer import Caliper, PixelSpacing

from .conftest import SAMPLE_SCANS
from .test_image_view_qt import show


def overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_labels_near_the_edges_stay_inside_and_clear_of_the_corner_texts(
        qtbot: QtBot) -> None:
    view = show(qtbot, open_series(sorted((SAMPLE_SCANS / "SUBJ-001" / "BASELINE").iterdir())),
                width=420, height=420)  # fmt: skip
    vp = view.viewport
    spacing = PixelSpacing(*view.volume.spacing_mm[1:])
    w, h = float(view.width()), float(view.height())
    screen_points = [((w - 40, h / 2 - 2), (w - 12, h / 2 + 2)),  # under the "L" letter
                     ((w / 2 - 10, 14), (w / 2 + 10, 30)),  # at the top letter
                     ((20, 20), (60, 30)),  # in the readout
                     ((w - 60, h - 20), (w - 14, h - 16))]  # at the scale bar
    for k, (a, b) in enumerate(screen_points):
        ends = (vp.transform.to_image(*a), vp.transform.to_image(*b))
        vp.layer.add(Caliper.restored(spacing, vp.nav.index, ends, caption=f"T{k + 1}"))
    view.grab()  # paints
    sprites = view._sprites
    avoid = corner_boxes(vp, w, h, view.title_lines(), view.status, view.sides(), sprites)
    avoid += scale_bar_box(vp, w, h, sprites)
    assert len(view.label_boxes) == 4 and len(avoid) >= 5
    for box in view.label_boxes:
        assert box[0] >= 0 and box[2] <= w and box[1] >= 0 and box[3] <= h, box
        assert not any(overlaps(box, other) for other in avoid), box
    for k, box in enumerate(view.label_boxes):
        assert not any(overlaps(box, other) for other in view.label_boxes[k + 1:])
