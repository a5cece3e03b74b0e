"""Where the corner text and the top orientation letter go, so that they never overlap.

A viewport shows the readout (slice, position, window, zoom, tool) in its top left corner,
the title (role and timepoint, subject and date, series) in its top right corner and the
patient side it faces at the middle of each edge. In a narrow viewport (prior beside current
on a small screen) these collide; then the title moves below the readout, and the top letter
below whichever block it would touch. Plain arithmetic on text widths, no Qt.
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
