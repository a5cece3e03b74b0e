"""Corner text and the top orientation letter never overlap, however narrow the viewport."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewer_gui.viewer.corner_layout import BOX_PAD, layout_corners, place_label

LINE = 16.0
READOUT = [170.0, 120.0, 160.0]  # slice and position, W/L, zoom and tool
TITLE = [70.0, 140.0, 150.0]  # role and timepoint, subject and date, series
LETTER = 10.0


def test_a_wide_viewport_keeps_the_usual_places() -> None:
    layout = layout_corners(900, LINE, READOUT, TITLE, LETTER)
    assert layout.title_top == 10 and layout.top_letter_top == 10


def test_the_letter_moves_below_the_readout_it_would_touch() -> None:
    layout = layout_corners(390, LINE, READOUT, TITLE, LETTER)  # readout ends at 183, letter 190
    assert layout.title_top == 10  # the blocks themselves still fit side by side
    assert layout.top_letter_top == pytest.approx(10 + 3 * LINE + 4)


def test_the_title_goes_under_the_readout_when_they_would_touch() -> None:
    layout = layout_corners(330, LINE, READOUT, TITLE, LETTER)
    assert layout.title_top == pytest.approx(10 + 3 * LINE + 4)
    # the letter, at the middle, is under both
    assert layout.top_letter_top == pytest.approx(layout.title_top + 3 * LINE + 4)


def test_no_text_no_moves() -> None:
    assert layout_corners(100, LINE, [], [], LETTER) == layout_corners(900, LINE, [], [], LETTER)


def _box(left: float, right: float, top: float, lines: int) -> tuple[float, float, float, float]:
    return left - BOX_PAD, right + BOX_PAD, top, top + lines * LINE


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


@given(width=st.floats(120, 2000),
       readout=st.lists(st.floats(5, 300), max_size=4),
       title=st.lists(st.floats(5, 300), max_size=3),
       letter=st.floats(6, 14))
def test_nothing_overlaps(width: float, readout: list[float], title: list[float],
                          letter: float) -> None:
    layout = layout_corners(width, LINE, readout, title, letter)
    boxes = [_box(width / 2 - letter / 2, width / 2 + letter / 2, layout.top_letter_top, 1)]
    if readout:
        boxes.append(_box(10, 10 + max(readout), 10, len(readout)))
    if title:
        boxes.append(_box(width - 10 - max(title), width - 10, layout.title_top, len(title)))
    for k, a in enumerate(boxes):
        for b in boxes[k + 1:]:
            assert not _overlap(a, b)


# -- measurement labels (issue 15, bug 7) ---------------------------------------------------
def test_a_label_stays_beside_its_measurement_when_there_is_room() -> None:
    box = place_label([(100.0, 100.0), (140.0, 100.0)], (80.0, LINE), (600.0, 500.0), [],
                      line=LINE)  # fmt: skip
    assert box == (148.0, 100 - LINE / 2, 228.0, 100 + LINE / 2)


def test_a_label_at_the_right_edge_goes_left_of_the_measurement_inside_the_view() -> None:
    box = place_label([(560.0, 250.0), (590.0, 250.0)], (90.0, LINE), (600.0, 500.0), [],
                      line=LINE)  # fmt: skip
    assert box[2] <= 600 - 4 and box[2] <= 560  # inside, and not over the measurement


def test_a_label_keeps_clear_of_the_orientation_letter() -> None:
    letter = (584.0, 240.0, 597.0, 258.0)  # "L" at the middle of the right edge
    box = place_label([(470.0, 250.0), (500.0, 250.0)], (95.0, LINE), (600.0, 500.0),
                      [letter], line=LINE)  # fmt: skip
    assert not (box[0] < letter[2] and letter[0] < box[2] and box[1] < letter[3]
                and letter[1] < box[3])  # fmt: skip


@given(st.floats(0, 600), st.floats(0, 500), st.floats(0, 600), st.floats(0, 500),
       st.floats(20, 300))
def test_a_label_is_always_inside_the_view(x0: float, y0: float, x1: float, y1: float,
                                           width: float) -> None:
    box = place_label([(x0, y0), (x1, y1)], (width, 2 * LINE), (600.0, 500.0),
                      [(0.0, 0.0, 200.0, 60.0)], line=LINE)  # fmt: skip
    assert box[0] >= 4 and box[2] <= 596 and box[1] >= 4 and box[3] <= 496
