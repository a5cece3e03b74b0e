"""Engine and reader text is shown as written: never read as HTML (issue 15, bug 1)."""

from __future__ import annotations

from PyQt6.QtGui import QTextDocument

from reviewer_gui.qt.plain import quoted, tip


def rendered(html: str) -> str:
    document = QTextDocument()
    document.setHtml(html)
    return document.toPlainText()


def test_a_reason_with_comparison_signs_survives_a_rich_label_and_a_tooltip() -> None:
    reason = "target PR: 36.0 mm (<= -30 %); PD needs >= +20 % and >= +5 mm <b>&amp;"
    assert rendered(quoted(reason)) == reason
    assert rendered(tip(reason)) == reason
    assert tip("plain words") == "plain words"  # ordinary text is left alone
