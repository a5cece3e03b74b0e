"""The reads behind an export: assessments (from measurements or responses), their endpoints,
and the SDTM identifiers ``sdtm-import`` carried along (``study_id``, ``visitnum``,
``evaluator``, ``sdtm_dtc``, ``date_imputed``), matched by subject, reader and timepoint.

RSEVAL of a read without an ``evaluator`` column is ``--evaluator`` (default ``INDEPENDENT
ASSESSOR``: the ReLUTH reads are blinded independent central review), with the reader in
RSEVALID (SDTMIG v3.4: RSEVAL is the role, RSEVALID tells several of that role apart).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from recist import api
from recist.io.readers import (
    check_subject_dates,
    is_responses_file,
    read_measurements,
    read_responses,
    read_subjects,
)
from recist.io.table import InputProblem, InvalidInput, Table
from recist.model import SubjectInfo, SubjectKey
from recist.results import SubjectAssessment, SubjectEndpoints
from recist.rules.endpoints import EndpointOptions

DEFAULT_EVALUATOR = "INDEPENDENT ASSESSOR"


@dataclass(slots=True)
class Read:
    """One subject's read: its assessment, endpoints and ids.

    ``endpoints`` follow the options given (``--confirm`` among them: DCR, PFS, rPFS);
    ``unconfirmed`` and ``confirmed`` are the endpoints with confirmation of response off and
    on (RECIST 1.1 section 4.5), for ADRS parameters whose definition fixes it (BOR and CBOR).
    """

    key: SubjectKey
    assessment: SubjectAssessment
    endpoints: SubjectEndpoints
    unconfirmed: SubjectEndpoints
    confirmed: SubjectEndpoints
    info: SubjectInfo
    study_id: str = ""
    evaluator: str = ""
    visitnum: dict[str, str] = field(default_factory=dict)
    #: TR's TRLNKGRP of each timepoint (``sdtm-import``'s ``lnkgrp``), when TR had one.
    link_group: dict[str, str] = field(default_factory=dict)
    dtc: dict[str, tuple[str, bool]] = field(default_factory=dict)
    #: The subjects file has a ``death_date`` column: a subject without one is alive.
    deaths_recorded: bool = False
    #: PARAM names the evaluator (false when the dataset holds several: see ``cdisc.adrs``).
    evaluator_in_param: bool = True
    #: RSEVAL when the input names no evaluator.
    default_evaluator: str = DEFAULT_EVALUATOR
    #: The responses were derived by the engine from measurements (RS's RSDRVFL "Y"), not
    #: read from a responses file (the reader's own).
    derived: bool = True

    @property
    def rseval(self) -> tuple[str, str]:
        """``RSEVAL`` and ``RSEVALID``: the evaluator and the reader when they differ."""
        reader = self.key.reader or ""
        evaluator = self.evaluator or self.default_evaluator
        if evaluator != reader:
            return evaluator, reader
        return reader, ""

    def is_read(self, reader: str | None) -> bool:
        """Whether ``--reader`` keeps this read (None keeps every read)."""
        return reader is None or reader in (self.key.reader, self.evaluator)

    @property
    def reference(self) -> dt.date | None:
        return api.reference_date(self.assessment, self.info)


def load_reads(
    path: Path,
    subjects_path: Path | None,
    options: EndpointOptions,
    *,
    study_id: str | None,
    reader: str | None,
    evaluator: str = DEFAULT_EVALUATOR,
) -> list[Read]:
    """Assess ``path`` (measurements or responses) and derive endpoints, read by read; only
    the read ``reader`` names when given (``Read.is_read``)."""
    subjects = read_subjects(subjects_path) if subjects_path else {}
    deaths_recorded = subjects_path is not None and Table(subjects_path, ()).has("death_date")
    derived = not is_responses_file(path)
    if not derived:
        assessments, _ = read_responses(path, subjects)
    else:
        rows, _ = read_measurements(path)
        assessments = api.assess(rows, checked=True)
    if subjects_path is not None:
        check_subject_dates(subjects_path, subjects, assessments)

    def by_subject(confirm: bool) -> dict[SubjectKey, SubjectEndpoints]:
        chosen = dataclasses.replace(options, confirm=confirm)
        return {e.key: e for e in api.endpoints(assessments, subjects, chosen)}

    unconfirmed, confirmed = by_subject(False), by_subject(True)
    as_asked = confirmed if options.confirm else unconfirmed
    by_key = {a.key: a for a in assessments}
    reads = []
    for key, result in as_asked.items():
        assessment = by_key.get(key, SubjectAssessment(key, ()))
        info = subjects.get(key.subject_id, SubjectInfo(key.subject_id))
        read = Read(key, assessment, result, unconfirmed[key], confirmed[key], info)
        read.deaths_recorded = deaths_recorded
        read.default_evaluator = evaluator
        read.derived = derived
        reads.append(read)
    _add_identifiers(path, reads)
    reads = [r for r in reads if r.is_read(reader)]
    for read in reads:
        read.study_id = study_id or read.study_id
    missing = sorted({r.key.subject_id for r in reads if not r.study_id})
    if missing:
        raise InvalidInput(
            [
                InputProblem(
                    str(path),
                    1,
                    "study_id",
                    f"no study id for subject '{missing[0]}'"
                    f"{' and others' if len(missing) > 1 else ''}; give --study-id or a "
                    "study_id column (sdtm-import writes one)",
                )
            ]
        )
    return reads


def _add_identifiers(path: Path, reads: list[Read]) -> None:
    """Fill study id, evaluator, VISITNUM and the original ``--DTC`` from the input's extra
    columns; the ``--DTC`` of a timepoint is that of its earliest row (the timepoint's date)."""
    table = Table(path, ())
    names = ("subject_id", "reader", "timepoint", "date", "study_id", "evaluator", "visitnum")
    extra = ("sdtm_dtc", "date_imputed", "lnkgrp")
    index = {name: table.index_or_blank(name) for name in (*names, *extra)}
    by_key = {r.key: r for r in reads}
    has_reader = table.has("reader")
    earliest: dict[tuple[SubjectKey, str], str] = {}
    for _, values in table.rows():
        key = SubjectKey(
            values[index["subject_id"]], values[index["reader"]] if has_reader else None
        )
        read = by_key.get(key)
        if read is None:
            continue
        read.study_id = read.study_id or values[index["study_id"]]
        read.evaluator = read.evaluator or values[index["evaluator"]]
        label, date = values[index["timepoint"]], values[index["date"]]
        if values[index["visitnum"]]:
            read.visitnum.setdefault(label, values[index["visitnum"]])
        if values[index["lnkgrp"]]:
            read.link_group.setdefault(label, values[index["lnkgrp"]])
        dtc = values[index["sdtm_dtc"]]
        if dtc and date <= earliest.get((key, label), date):
            earliest[(key, label)] = date
            read.dtc[label] = (dtc, values[index["date_imputed"]].upper() == "Y")


def visit_numbers(reads: list[Read]) -> dict[str, str]:
    """VISITNUM of each timepoint label: the input's (``sdtm-import`` carries SDTM's VISITNUM)
    when it gives one for every label, else derived from the schedule: labels ordered by their
    median study day (days from the read's baseline, baseline labels first, the label to break
    ties) and numbered 1, 2, ... . One number per label across subjects and reads (SDTMIG: one
    VISITNUM per VISIT), computed over every read so that ``--reader`` does not change it."""
    given: dict[str, str] = {}
    days: dict[str, list[int]] = {}
    for read in reads:
        baseline = read.assessment.baseline
        for tp in read.assessment.timepoints:
            start = baseline.date if baseline is not None else tp.date
            days.setdefault(tp.timepoint, []).append(
                -1 if tp.is_baseline else (tp.date - start).days
            )
            if read.visitnum.get(tp.timepoint):
                given.setdefault(tp.timepoint, read.visitnum[tp.timepoint])
    if set(given) == set(days):
        return given

    def median(values: list[int]) -> int:
        ordered = sorted(values)
        return ordered[(len(ordered) - 1) // 2]

    order = sorted(days, key=lambda label: (median(days[label]), label))
    return {label: str(number) for number, label in enumerate(order, start=1)}
