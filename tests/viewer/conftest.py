"""Viewer tests: Qt runs offscreen (no display needed); sample-scan helpers."""

from __future__ import annotations

import os
from pathlib import Path

if not os.environ.get("QT_QPA_PLATFORM"):  # unset or empty; before Qt starts (pytest-qt's too)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

REPO = Path(__file__).resolve().parents[2]
SAMPLE_SCANS = REPO / "sample_scans"
