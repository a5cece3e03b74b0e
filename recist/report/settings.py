"""The statistical analysis plan's settings (``recist report --protocol FILE``, TOML).

Everything the analysis pre-specifies is read from this file before any data is seen, never
chosen from the data (ICH E9 section 5.1): the primary test of the primary endpoint, its
significance level, the sensitivity test, the sample-size assumptions and the schedule of
tumour assessments. Without a file the defaults are the ReLUTH protocol's::

    study_id = "ReLUTH"
    data_cutoff = 2024-03-31           # optional; default: the latest date in the data
    alpha = 0.05                       # two-sided
    primary_test = "cmh"               # or "chi-square" (unstratified, Fisher when sparse)
    control_rate = 0.65                # disease control rate assumed in the control arm
    experimental_rate = 0.85           # ... in the experimental arm
    power = 0.80
    assessment_interval_days = 56      # tumour assessment every 8 weeks

The data must end at ``data_cutoff`` when it is given: a later date is refused (the report is
titled with the cut-off; the extract, not the report, applies it).

``cmh``: the Cochran-Mantel-Haenszel test stratified by the randomization factors (``--strata``),
with the unstratified Pearson chi-square (Fisher's exact test when an expected count is below
5) as the sensitivity analysis; ``chi-square``: the other way round.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recist.io.table import InputProblem, InvalidInput

if TYPE_CHECKING:
    from recist.report.populations import AnalysisSubject

PRIMARY_TESTS = ("cmh", "chi-square")


@dataclass(frozen=True, slots=True)
class ProtocolSettings:
    """The pre-specified analysis; the defaults are the ReLUTH protocol's."""

    study_id: str = "ReLUTH"
    data_cutoff: dt.date | None = None
    alpha: float = 0.05
    primary_test: str = "cmh"
    control_rate: float = 0.65
    experimental_rate: float = 0.85
    power: float = 0.80
    assessment_interval_days: int = 56


DEFAULT_SETTINGS = ProtocolSettings()


def _problem(name: str, key: str, text: str) -> str | None:
    """Why ``text`` is not a valid value of ``key``, or None."""
    probability = "a number strictly between 0 and 1 (e.g. 0.05)"
    expected = {
        "study_id": "a text in quotes",
        "data_cutoff": "a date without quotes (e.g. 2024-03-31)",
        "alpha": probability,
        "primary_test": " or ".join(f'"{t}"' for t in PRIMARY_TESTS),
        "control_rate": probability,
        "experimental_rate": probability,
        "power": probability,
        "assessment_interval_days": "a whole number of days, 1 or more (e.g. 56)",
    }[key]
    return f"{key} = {text} is not valid in {name}; give {expected}"


def _valid(key: str, value: object) -> bool:
    if key == "study_id":
        return isinstance(value, str) and bool(value.strip())
    if key == "data_cutoff":
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if key == "primary_test":
        return value in PRIMARY_TESTS
    if key == "assessment_interval_days":
        return isinstance(value, int) and not isinstance(value, bool) and value >= 1
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 < float(value) < 1


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return 1


def read_settings(path: Path) -> ProtocolSettings:
    """The settings of ``path``; raises ``InvalidInput`` naming the line, the key and the fix."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise InvalidInput(
            [InputProblem(name, 0, "--protocol", f"cannot read the file ({reason})")]
        ) from None
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        line = int(found.group(1)) if found else 1
        message = f"not valid TOML ({error}); write one 'key = value' per line"
        raise InvalidInput([InputProblem(name, line, "--protocol", message)]) from None
    known = [f.name for f in fields(ProtocolSettings)]
    problems = []
    for key, value in values.items():
        line = _line_of(text, key)
        if key not in known:
            message = f"unknown setting '{key}'; the settings are: {', '.join(known)}"
            problems.append(InputProblem(name, line, key, message))
        elif not _valid(key, value):
            shown = text.splitlines()[line - 1].split("=", 1)[-1].split("#")[0].strip()
            problems.append(InputProblem(name, line, key, str(_problem(name, key, shown))))
    if problems:
        raise InvalidInput(problems)
    converted: dict[str, Any] = {
        k: float(v) if isinstance(v, int) and k in _RATES else v for k, v in values.items()
    }
    settings = ProtocolSettings(**converted)
    if settings.control_rate == settings.experimental_rate:
        line = _line_of(text, "experimental_rate")
        message = "experimental_rate equals control_rate: no difference to power the trial for"
        raise InvalidInput([InputProblem(name, line, "experimental_rate", message)])
    return settings


_RATES = frozenset({"alpha", "control_rate", "experimental_rate", "power"})


def latest_date(subjects: Sequence[AnalysisSubject]) -> tuple[dt.date, str] | None:
    """The latest date in the data (assessments, randomization, death, new therapy) and the
    subject it belongs to; None without any date."""
    found: list[tuple[dt.date, str]] = []
    for subject in subjects:
        info = subject.info
        dates = [tp.date for tp in subject.assessment.timepoints]
        dates += [d for d in (info.randomization_date, info.death_date, info.new_therapy_date) if d]
        found += [(d, subject.subject_id) for d in dates]
    return max(found, default=None)


def check_cutoff(
    settings: ProtocolSettings, path: Path, subjects: Sequence[AnalysisSubject]
) -> None:
    """Refuse data after the settings' ``data_cutoff``: a report titled with a cut-off must not
    analyse later records. Raises ``InvalidInput`` naming the settings line and the fix."""
    latest = latest_date(subjects)
    if settings.data_cutoff is None or latest is None or latest[0] <= settings.data_cutoff:
        return
    text = path.read_text(encoding="utf-8")
    date, subject = latest
    message = (
        f"the data go beyond the cut-off {settings.data_cutoff.isoformat()} (subject "
        f"'{subject}' has a date {date.isoformat()}); analyse a data extract cut at that date, "
        "or set data_cutoff to the extract's cut-off date"
    )
    raise InvalidInput(
        [InputProblem(str(path), _line_of(text, "data_cutoff"), "data_cutoff", message)]
    )
