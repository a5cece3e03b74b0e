"""Where the corner text, the top orientation letter and measurement labels go, so that
they never overlap.

A viewport shows the readout (slice, position, window, zoom, tool) in its top left corner,
the title (role and timepoint, subject and date, series) in its top right corner and the
patient side it faces at the middle of each edge. In a narrow viewport (prior beside current
on a small screen) these collide; then the title moves below the readout, and the top letter
below whichever block it would touch. A measurement's label stays inside the view and clear
of all of these (:func:`place_label`). Plain arithmetic on text widths, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

BOX_PAD = 3.0  # a text box reaches this far left and right of its text


@dataclass(frozen=True)
class CornerLayout:
    """Tops (screen y) of the title block and of the top orientation letter's line."""

    title_top: float
    top_letter_top: float


def layout_corners(width: float, line: float, readout_widths: list[float],
                   title_widths: list[float], top_letter_width: float, *,
                   margin: float = 10.0, gap: float = 8.0) -> CornerLayout:
    """The layout for a viewport `width` wide with text lines `line` high.

    `readout_widths` and `title_widths` are the widths of each line of the left and right
    blocks (left-aligned at `margin`, right-aligned at ``width - margin``); the top letter is
    centred. Blocks closer than `gap` count as touching.
    """
    readout_right = margin + max(readout_widths, default=0.0) + BOX_PAD
    readout_bottom = margin + len(readout_widths) * line
    title_left = width - margin - max(title_widths, default=0.0) - BOX_PAD
    title_top = margin
    if title_widths and readout_widths and readout_right + gap > title_left:
        title_top = readout_bottom + gap / 2  # stacked under the readout
    title_bottom = title_top + len(title_widths) * line
    blocks = []  # (left, right, top, bottom) of each block that has text, top first
    if readout_widths:
        blocks.append((margin - BOX_PAD, readout_right, margin, readout_bottom))
    if title_widths:
        blocks.append((title_left, width - margin + BOX_PAD, title_top, title_bottom))
    letter_left = width / 2 - top_letter_width / 2 - BOX_PAD
    letter_right = width / 2 + top_letter_width / 2 + BOX_PAD
    letter_top = margin
    for left, right, top, bottom in sorted(blocks, key=lambda block: block[2]):
        beside = left < letter_right + gap and letter_left < right + gap
        level = top < letter_top + line and letter_top < bottom
        if beside and level:
            letter_top = bottom + gap / 2
    return CornerLayout(title_top, letter_top)


#: A screen rectangle: (left, top, right, bottom).
Box = tuple[float, float, float, float]


def _overlap(a: Box, b: Box) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def place_label(ends: list[tuple[float, float]], size: tuple[float, float],
                view: tuple[float, float], avoid: list[Box], *, line: float,
                offset: float = 8.0, margin: float = 4.0) -> Box:
    """Where a measurement's label block (``size`` = width, height, box included) goes: beside
    the measurement whose screen end points are ``ends``, inside a ``view`` (width, height)
    by ``margin``, and clear of the ``avoid`` boxes (corner text, orientation letters, the
    scale bar, labels placed before). Tried in turn: right of the measurement (its usual
    place, level with its top end), left, below, above, then right or left a line lower or
    higher at a time, each moved inside the view; the first that touches nothing (nor the
    measurement), else the one that covers least."""
    width, height = size
    xs, ys = [x for x, _ in ends], [y for _, y in ends]
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    level = top - line / 2
    tries = [(right + offset, level), (left - offset - width, level),
             (left, bottom + offset), (left, top - offset - height)]  # fmt: skip
    steps = int(view[1] // line) + 1  # then beside it, a line lower or higher at a time
    tries += [(x, level + sign * k * line) for k in range(1, steps) for sign in (1, -1)
              for x in (right + offset, left - offset - width)]  # fmt: skip
    own = (left - 2, top - 2, right + 2, bottom + 2)  # never over the measurement itself
    best: tuple[float, int, Box] | None = None
    for k, (x, y) in enumerate(tries):
        x = max(margin, min(x, view[0] - margin - width))
        y = max(margin, min(y, view[1] - margin - height))
        box = (x, y, x + width, y + height)
        covered = sum(_overlap(box, other) for other in (*avoid, own))
        if covered == 0:
            return box
        if best is None or covered < best[0]:
            best = (covered, k, box)
    assert best is not None
    return best[2]
