"""Text from the engine or a reader shown as plain text, never as HTML.

Qt reads a label's or a tooltip's text as HTML when it looks like HTML: an engine reason
("PR needs <= -30 % and >= +5 mm") or a reader's typed reason could lose everything between a
``<`` and the next ``>``. Rich labels escape what they quote (:func:`quoted`); tooltips go
through :func:`tip`, which leaves ordinary text alone and escapes the rest.
"""

from __future__ import annotations

import html


def quoted(text: str) -> str:
    """``text`` for a rich-text label: escaped, line breaks kept."""
    return html.escape(text, quote=False).replace("\n", "<br>")


def tip(text: str) -> str:
    """``text`` as a tooltip that Qt shows exactly as written."""
    if "<" not in text and "&" not in text:
        return text
    return f"<p style='white-space:pre-wrap'>{html.escape(text, quote=False)}</p>"
