"""Corner text and the top orientation letter never overlap, however narrow the viewport."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewer_gui.viewer.corner_layout import BOX_PAD, layout_corners

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
