"""The reader-agreement report of a blinded independent central review (core-lab QC).

From every subject whose two reads are complete (``reviewer_gui.review.adjudication``):

- agreement on the overall response (RECIST 1.1 Tables 1-2) per timepoint label and over all
  follow-ups: percent agreement and Cohen's kappa with its asymptotic standard error and 95 %
  confidence interval, from ``statsmodels.stats.inter_rater.cohens_kappa`` (Cohen 1960;
  Fleiss, Cohen & Everitt 1969); kappa is undefined (reported empty, with the reason) when
  both readers put every subject in one and the same category;
- agreement on progression status (progression called or not: kappa as above) and on its date
  (among subjects both readers call progressive: the differences in days, and how many lie
  within the project's tolerance);
- the adjudication rate (subjects flagged among complete ones, per trigger too) and, per
  reader, how often the adjudicator chose that reader's read.

:func:`write_agreement` writes ``agreement_timepoints.csv``, ``agreement_subjects.csv``,
``agreement_readers.csv`` and a Markdown summary ``agreement.md``, each atomically.
"""

from __future__ import annotations

import math
import os
import statistics
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reviewer_gui.engine_adapter import write_table
from reviewer_gui.review.adjudication import CaseReview, Status
from reviewer_gui.review.triggers import AdjudicationSettings, TriggerName

#: Response categories in RECIST order (others, if any, follow alphabetically).
RESPONSE_ORDER = ("CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE")
ALL_FOLLOW_UPS = "ALL FOLLOW-UPS"


@dataclass(frozen=True, slots=True)
class Kappa:
    """Agreement of two readers over ``n`` paired ratings."""

    label: str
    n: int
    agreement: float | None  # observed proportion of agreement
    kappa: float | None
    se: float | None  # asymptotic standard error (not under H0)
    low: float | None  # 95 % confidence interval
    high: float | None
    categories: tuple[str, ...]
    note: str = ""


def cohens_kappa(label: str, pairs: Sequence[tuple[str, str]]) -> Kappa:
    """Cohen's kappa of paired ratings, by ``statsmodels`` (never hand-written)."""
    import numpy as np
    from statsmodels.stats.inter_rater import cohens_kappa as sm_kappa  # type: ignore[import-untyped]

    seen = {value for pair in pairs for value in pair}
    categories = tuple([c for c in RESPONSE_ORDER if c in seen] + sorted(seen - {
        *RESPONSE_ORDER}))  # fmt: skip
    if not pairs:
        return Kappa(label, 0, None, None, None, None, None, (), "no pair of complete reads")
    agreement = sum(a == b for a, b in pairs) / len(pairs)
    if len(categories) == 1:
        return Kappa(label, len(pairs), agreement, None, None, None, None, categories,
                     f"kappa undefined: every rating is {categories[0]}")  # fmt: skip
    index = {c: i for i, c in enumerate(categories)}
    table = np.zeros((len(categories), len(categories)))
    for first, second in pairs:
        table[index[first], index[second]] += 1
    with warnings.catch_warnings():  # its z test divides by 0 when a reader is constant
        warnings.simplefilter("ignore", RuntimeWarning)
        result = sm_kappa(table)  # its limits are 95 % two-sided (alpha 0.025 per side)
    kappa, se = float(result.kappa), float(result.std_kappa)
    low, high = float(result.kappa_low), float(result.kappa_upp)
    if any(math.isnan(v) for v in (kappa, se, low, high)):
        return Kappa(label, len(pairs), agreement, None, None, None, None, categories,
                     "kappa undefined (chance agreement is 1)")  # fmt: skip
    return Kappa(label, len(pairs), agreement, kappa, se, low, high, categories)


@dataclass(frozen=True, slots=True)
class ReaderChoice:
    """How often the adjudicator chose one reader's read."""

    reader: str
    subjects: int  # complete pairs this reader was part of
    adjudicated: int  # of which adjudicated
    chosen: int


@dataclass(frozen=True, slots=True)
class AgreementReport:
    timepoints: tuple[Kappa, ...]  # per label, then all follow-ups pooled
    progression_status: Kappa
    date_differences: tuple[int, ...]  # days, second reader minus first, both progressive
    within_tolerance: int
    tolerance_days: int
    complete: int
    flagged: int
    adjudicated: int
    per_trigger: dict[str, int]
    readers: tuple[ReaderChoice, ...]
    cases: tuple[CaseReview, ...]

    @property
    def adjudication_rate(self) -> float | None:
        return self.flagged / self.complete if self.complete else None


def agreement_report(
    cases: Sequence[CaseReview], settings: AdjudicationSettings
) -> AgreementReport:
    """The report over every subject whose two reads are complete."""
    pairs = [c for c in cases if c.status is not Status.WAITING and len(c.endpoints) == 2]
    by_label: dict[str, list[tuple[str, str]]] = {}
    order: dict[str, int] = {}
    for case in pairs:
        first, second = (case.endpoints[r] for r in case.readers)
        for position, (label, response) in enumerate(first.responses.items()):
            order[label] = min(order.get(label, position), position)
            if label in second.responses:
                by_label.setdefault(label, []).append((response, second.responses[label]))
    labels = sorted(by_label, key=lambda label: (order[label], label))
    timepoints = [cohens_kappa(label, by_label[label]) for label in labels]
    timepoints.append(cohens_kappa(ALL_FOLLOW_UPS, [p for label in labels
                                                    for p in by_label[label]]))  # fmt: skip
    status = cohens_kappa("progression", [
        tuple("Y" if case.endpoints[r].progression_date else "N" for r in case.readers)  # type: ignore[misc]
        for case in pairs])  # fmt: skip
    differences = []
    for case in pairs:
        pd1, pd2 = (case.endpoints[r].progression_date for r in case.readers)
        if pd1 is not None and pd2 is not None:
            differences.append((pd2 - pd1).days)
    flagged = [c for c in pairs if c.status in (Status.FLAGGED, Status.ADJUDICATED)]
    per_trigger = {name.value: sum(any(t.name is name for t in c.triggers) for c in pairs)
                   for name in TriggerName}  # fmt: skip
    return AgreementReport(
        tuple(timepoints), status, tuple(differences),
        sum(abs(d) <= settings.tolerance_days for d in differences), settings.tolerance_days,
        len(pairs), len(flagged), sum(c.status is Status.ADJUDICATED for c in pairs),
        per_trigger, _choices(pairs), tuple(cases),
    )  # fmt: skip


def _choices(pairs: Sequence[CaseReview]) -> tuple[ReaderChoice, ...]:
    readers = sorted({r for case in pairs for r in case.readers})
    found = []
    for reader in readers:
        mine = [c for c in pairs if reader in c.readers]
        decided = [c for c in mine if c.status is Status.ADJUDICATED]
        found.append(ReaderChoice(reader, len(mine), len(decided),
                                  sum(c.final_reader == reader for c in decided)))  # fmt: skip
    return tuple(found)


# -- writing -------------------------------------------------------------------------------

KAPPA_COLUMNS = ("timepoint", "n", "agreement_pct", "kappa", "kappa_se", "kappa_ci_low",
                 "kappa_ci_high", "categories", "note")  # fmt: skip
SUBJECT_COLUMNS = (
    "subject_id", "reader_1", "reader_2", "status", "progression_date_1", "progression_date_2",
    "progression_days_apart", "bor_1", "bor_2", "landmark_1", "landmark_2", "dcr_1", "dcr_2",
    "triggers", "adjudicated_by", "chosen_reader", "final_reader", "note",
)  # fmt: skip
READER_COLUMNS = ("reader", "subjects", "adjudicated", "chosen", "chosen_pct")


def _number(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _kappa_row(k: Kappa) -> list[str]:
    pct = None if k.agreement is None else 100 * k.agreement
    return [k.label, str(k.n), _number(pct, 1), _number(k.kappa), _number(k.se),
            _number(k.low), _number(k.high), " ".join(k.categories), k.note]  # fmt: skip


def _subject_row(case: CaseReview) -> list[str]:
    ends = [case.endpoints.get(r) for r in case.readers[:2]] + [None, None]
    one, two = ends[0], ends[1]
    p1, p2 = (e.progression_date if e else None for e in (one, two))
    decision = case.decision
    readers = [*case.readers[:2], "", ""][:2]
    return [
        case.case_id, *readers, case.status.value,
        str(p1 or ""), str(p2 or ""), str((p2 - p1).days) if p1 and p2 else "",
        one.best_overall_response if one else "", two.best_overall_response if two else "",
        (one.landmark_response or "") if one else "", (two.landmark_response or "") if two else "",
        ("Y" if one.disease_control else "N") if one else "",
        ("Y" if two.disease_control else "N") if two else "",
        " ".join(t.name.value for t in case.triggers),
        decision.signed_by if decision and case.status is Status.ADJUDICATED else "",
        decision.chosen_reader if decision and case.status is Status.ADJUDICATED else "",
        case.final_reader or "", case.note,
    ]  # fmt: skip


def markdown(report: AgreementReport) -> str:
    """The report's summary as Markdown."""
    rate = report.adjudication_rate
    lines = ["# Reader agreement (blinded independent central review)", "",
             f"Subjects with two complete reads: {report.complete}; flagged for adjudication: "
             f"{report.flagged} ({_number(None if rate is None else 100 * rate, 1) or '-'} %); "
             f"adjudicated: {report.adjudicated}.", "",
             "## Overall response per timepoint (Cohen's kappa, 95 % CI)", "",
             "| timepoint | n | agreement % | kappa | 95 % CI | note |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for k in (*report.timepoints, report.progression_status):
        ci = f"{_number(k.low)} to {_number(k.high)}" if k.low is not None else ""
        pct = _number(None if k.agreement is None else 100 * k.agreement, 1)
        lines.append(f"| {k.label} | {k.n} | {pct} | {_number(k.kappa)} | {ci} | {k.note} |")
    diffs = report.date_differences
    lines += ["", "## Progression date", "",
              f"Both readers call progression in {len(diffs)} subject(s); "
              f"{report.within_tolerance} within the tolerance of {report.tolerance_days} "
              "day(s)." + (f" Days apart (reader 2 - reader 1): median "
                           f"{statistics.median(diffs):g}, mean {statistics.fmean(diffs):.1f}, "
                           f"largest {max(diffs, key=abs)}." if diffs else ""),
              "", "## Triggers", ""]  # fmt: skip
    lines += [f"- {name}: {count} subject(s)" for name, count in report.per_trigger.items()]
    lines += ["", "## Adjudicator's choice per reader", "",
              "| reader | subjects | adjudicated | chosen | chosen % |", "|---|---|---|---|---|"]
    for r in report.readers:
        share = _number(100 * r.chosen / r.adjudicated, 1) if r.adjudicated else ""
        lines.append(f"| {r.reader} | {r.subjects} | {r.adjudicated} | {r.chosen} | {share} |")
    return "\n".join(lines) + "\n"


def write_agreement(report: AgreementReport, directory: Path) -> list[Path]:
    """Write the report's files into ``directory`` (created if missing); returns them."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / name for name in ("agreement_timepoints.csv", "agreement_subjects.csv",
                                           "agreement_readers.csv", "agreement.md")]
    write_table(paths[0], KAPPA_COLUMNS, [_kappa_row(k) for k in (*report.timepoints,
                                                                  report.progression_status)])
    write_table(paths[1], SUBJECT_COLUMNS, [_subject_row(c) for c in report.cases])
    write_table(paths[2], READER_COLUMNS, [
        [r.reader, str(r.subjects), str(r.adjudicated), str(r.chosen),
         _number(100 * r.chosen / r.adjudicated, 1) if r.adjudicated else ""]
        for r in report.readers])  # fmt: skip
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".agreement.md.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(markdown(report))
        os.replace(temporary, paths[3])
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return paths
