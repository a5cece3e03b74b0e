"""Viewer tests: Qt runs offscreen (no display needed); sample-scan helpers."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import (pytest-qt's too)

REPO = Path(__file__).resolve().parents[2]
SAMPLE_SCANS = REPO / "sample_scans"
