"""Errors of the reading model: each message says what is wrong and what to do instead."""

from __future__ import annotations

from collections.abc import Mapping


class ReadingError(ValueError):
    """An action the reading model refuses (unknown subject, wrong state for a category...)."""


class MeasurementRefused(ReadingError):
    """A caliper cannot give millimetres (no pixel spacing, a zero-length segment...)."""


class TimepointLocked(ReadingError):
    """The timepoint is signed: its observations can no longer change."""


class SigningRefused(ReadingError):
    """A timepoint cannot be signed. ``findings`` maps each offending lesion id to what is
    wrong with it (``""`` for the subject as a whole), so a view can show each finding beside
    its lesion."""

    def __init__(self, message: str, findings: Mapping[str, tuple[str, ...]]) -> None:
        self.findings = dict(findings)
        lines = [
            f"  {lesion_id or 'subject'}: {text}"
            for lesion_id, texts in sorted(self.findings.items())
            for text in texts
        ]
        super().__init__("\n".join([message, *lines]))
