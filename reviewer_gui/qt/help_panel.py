"""The help panel (F1): every shortcut of the reviewer, from :data:`.shortcuts.SHORTCUTS`."""

from __future__ import annotations

from html import escape

from PyQt6.QtWidgets import QTextBrowser, QWidget

from .shortcuts import IMAGE_KEYS, grouped


def help_html(hidden: frozenset[str] = frozenset()) -> str:
    """The shortcut table as HTML, grouped (without the ``hidden`` shortcuts)."""
    parts = ["<h3>Keyboard</h3>"]
    for group, shortcuts in grouped(hidden):
        if not shortcuts:
            continue
        parts.append(f"<p><b>{escape(group)}</b></p><table cellspacing='0' cellpadding='2'>")
        parts.extend(f"<tr><td width='110'><code>{escape(s.keys)}</code></td>"
                     f"<td>{escape(s.text)}</td></tr>" for s in shortcuts)  # fmt: skip
        parts.append("</table>")
    parts.append("<p><b>In the image</b></p><table cellspacing='0' cellpadding='2'>")
    parts.extend(f"<tr><td width='110'><code>{escape(k)}</code></td><td>{escape(t)}</td></tr>"
                 for k, t in IMAGE_KEYS)  # fmt: skip
    parts.append("</table>")
    parts.append("<p>Yellow: this timepoint's measurements (drag an end point to adjust). "
                 "Cyan, dashed: read only (the prior, or a signed timepoint).</p>")
    return "".join(parts)


class HelpPanel(QTextBrowser):
    """The shortcut list; the main window shows it in a dock toggled by F1."""

    def __init__(self, parent: QWidget | None = None,
                 hidden: frozenset[str] = frozenset()) -> None:  # fmt: skip
        super().__init__(parent)
        self.setHtml(help_html(hidden))
        self.setMinimumWidth(320)
