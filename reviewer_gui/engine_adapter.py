"""The one module of the reviewer app that calls the RECIST engine (``recist``).

It turns a read (``reviewer_gui.reading.ReadView``) into the measurement rows of the CSV
contract (``docs/csv-format.md``, input 1), has ``recist.assess`` compute every
timepoint's sums and responses (RECIST 1.1 sections 4.3-4.4, Tables 1-2) and
``recist.validate`` the baseline (sections 3.1-3.3), and gives the reading model its lesion x
timepoint grid. The export writes exactly those rows, so ``recist assess`` on the exported CSV
reproduces what the grid showed. An import-linter contract keeps every other module of
``reviewer_gui`` from importing the engine.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import recist
from recist.display import fmt_signed_pct
from recist.io.writers import write_csv
from reviewer_gui.reading import (
    TOO_SMALL_MM,
    AxisMeasurement,
    Category,
    Grid,
    GridCell,
    GridRow,
    Lesion,
    Observation,
    ProjectState,
    ReadView,
    State,
    TimepointColumn,
)

#: The contract's measurement columns, with ``reader``, then two optional columns of ours
#: (unknown columns are ignored by the engine): the location's free text and the reason
#: given for a state (required for unequivocal progression).
EXPORT_COLUMNS = (
    "subject_id", "reader", "timepoint", "date", "lesion_id", "category", "location",
    "is_node", "long_axis_mm", "short_axis_mm", "state", "fragment", "slice_thickness_mm",
    "location_detail", "state_reason",
)  # fmt: skip

#: What a target contributes to the sum when not measured (the contract's state table).
_TARGET_CONTRIBUTION = {State.ABSENT: Decimal(0), State.MERGED: Decimal(0),
                        State.TOO_SMALL: TOO_SMALL_MM}  # fmt: skip
_LESION_ID = re.compile(r"\b(?:NT|T|N)[1-9][0-9]*\b")


class RecistEngine:
    """The reading model's engine (``reviewer_gui.reading.Engine``), backed by ``recist``."""

    def grid(self, read: ReadView) -> Grid:
        """The read's lesion x timepoint grid, findings attached to their lesions."""
        rows = [m for m, _, _ in _entries(read)]
        problems: tuple[str, ...] = ()
        try:
            assessments = recist.assess(rows)
            findings = recist.validate(rows)
        except recist.InvalidMeasurements as error:
            assessments, findings = [], []
            problems = tuple(f"{p.column}: {p.message}" for p in error.problems)
        results = {tp.timepoint: tp for a in assessments for tp in a.timepoints}
        per_lesion: dict[str, list[str]] = {}
        general: list[str] = []
        for finding in findings:
            if finding.lesion_id:
                per_lesion.setdefault(finding.lesion_id, []).append(finding.message)
                continue
            general.append(finding.message)
            for named in set(_LESION_ID.findall(finding.message)) & set(read.lesions):
                per_lesion.setdefault(named, []).append(finding.message)
        grid_rows = tuple(
            GridRow(lesion, tuple(_cell(lesion, read.observation(tp.label, lesion.lesion_id))
                                  for tp in read.timepoints),
                    tuple(per_lesion.get(lesion.lesion_id, ())))
            for lesion in read.ordered_lesions
        )  # fmt: skip
        return Grid(_columns(read, results), grid_rows, tuple(general), problems)


def _columns(read: ReadView, results: dict[str, recist.TimepointResult]) -> tuple[
        TimepointColumn, ...]:  # fmt: skip
    sums = [(r.target_sum_mm, i) for i, tp in enumerate(read.timepoints)
            if (r := results.get(tp.label)) is not None and r.target_sum_mm is not None]
    nadir_index = min(sums)[1] if sums else None
    columns = []
    for index, tp in enumerate(read.timepoints):
        signed, is_baseline = tp.label in read.signatures, index == 0
        result = results.get(tp.label)
        if result is None:
            columns.append(TimepointColumn(tp.label, tp.scan_date, is_baseline, signed))
            continue
        columns.append(TimepointColumn(
            tp.label, tp.scan_date, is_baseline, signed,
            target_sum_mm=result.target_sum_mm, evaluated_sum_mm=result.evaluated_sum_mm,
            baseline_sum_mm=result.baseline_sum_mm, nadir_mm=result.nadir_mm,
            change_from_baseline_pct=result.change_from_baseline_pct,
            change_from_nadir_pct=result.change_from_nadir_pct,
            target_response=_value(result.target_response),
            non_target_response=_value(result.non_target_response),
            new_lesions=_value(result.new_lesions),
            overall_response=_value(result.overall_response),
            reason=result.reason, is_nadir=index == nadir_index,
            change_from_baseline_shown=shown_pct(result.change_from_baseline_pct),
            change_from_nadir_shown=shown_pct(result.change_from_nadir_pct),
        ))  # fmt: skip
    return tuple(columns)


def shown_pct(value: Decimal | None) -> str:
    """A % change as every window and the CLI show it: the engine's own formatting, two
    decimals truncated toward zero (``-29.95 %``, never ``-30.0 %`` next to SD)."""
    return "" if value is None else fmt_signed_pct(value)


def _value(response: recist.Response | recist.NewLesions | None) -> str | None:
    return None if response is None else response.value


def _cell(lesion: Lesion, observation: Observation | None) -> GridCell | None:
    if observation is None:
        return None
    fragments = observation.fragments
    longs = [f.long_axis.length_mm for f in fragments]
    shorts = [f.short_axis.length_mm for f in fragments if f.short_axis is not None]
    diameter = (observation.diameter_mm(lesion.is_node) if observation.state is State.PRESENT
                else _TARGET_CONTRIBUTION.get(observation.state)
                if lesion.category is Category.TARGET else None)  # fmt: skip
    return GridCell(
        state=observation.state,
        diameter_mm=diameter,
        long_axis_mm=sum(longs, Decimal(0)) if longs else None,
        short_axis_mm=sum(shorts, Decimal(0)) if shorts and len(shorts) == len(longs) else None,
        fragments=len(fragments),
        complete=_complete(lesion, observation),
        reason=observation.reason,
    )


def _complete(lesion: Lesion, observation: Observation) -> bool:
    """False for a target PRESENT without the diameter that counts (not yet measured)."""
    return not (lesion.category is Category.TARGET and observation.state is State.PRESENT
                and observation.diameter_mm(lesion.is_node) is None)  # fmt: skip


def _entries(
    read: ReadView, *, signed_only: bool = False
) -> Iterator[tuple[recist.Measurement, Lesion, Observation]]:
    """The contract rows of a read, in timepoint then lesion order, with what they came from.
    Incomplete observations have no row (the engine sees them as not evaluated). A measured
    row's slice thickness is that of the series its long axis lies on (the contract's
    ``slice_thickness_mm``, RECIST 1.1 section 3.1.1's 2 x slice thickness), any other row's
    that of the series the reader reads the timepoint on."""
    line = 1
    for tp in read.timepoints:
        if signed_only and tp.label not in read.signatures:
            continue
        read_on = read.series_of(tp.label)
        imported = tp.series.slice_thickness_mm if tp.series else None
        unmeasured = read_on.slice_thickness_mm if read_on else None
        for lesion in read.ordered_lesions:
            observation = read.observation(tp.label, lesion.lesion_id)
            if observation is None or not _complete(lesion, observation):
                continue
            measured = observation.fragments if observation.state is State.PRESENT else ()
            for fragment in measured or (None,):
                line += 1
                yield recist.Measurement(
                    subject_id=read.key.case_id, reader=read.key.reader, timepoint=tp.label,
                    date=tp.scan_date, lesion_id=lesion.lesion_id,
                    category=recist.Category(lesion.category.value), location=lesion.organ,
                    is_node=lesion.is_node,
                    long_axis_mm=fragment.long_axis.length_mm if fragment else None,
                    short_axis_mm=(fragment.short_axis.length_mm
                                   if fragment and fragment.short_axis else None),
                    state=recist.LesionState(observation.state.value),
                    fragment=fragment.name if fragment else "",
                    slice_thickness_mm=(_thickness(fragment.long_axis, imported) if fragment
                                        else unmeasured), line=line,
                ), lesion, observation  # fmt: skip


def _thickness(axis: AxisMeasurement, imported: Decimal | None) -> Decimal | None:
    """The slice thickness of the series ``axis`` lies on (a measurement recorded without
    its series lies on the series its timepoint was imported with)."""
    return axis.slice_thickness_mm if axis.series_uid else imported


def measurement_rows(read: ReadView, *, signed_only: bool = False) -> list[recist.Measurement]:
    """The engine's input rows for a read (only its signed timepoints with ``signed_only``)."""
    return [m for m, _, _ in _entries(read, signed_only=signed_only)]


def export_rows(reads: Iterable[ReadView], *, signed_only: bool = True) -> list[list[str]]:
    """The measurement CSV's rows (:data:`EXPORT_COLUMNS`) for ``reads``."""
    out = []
    for read in reads:
        for m, lesion, observation in _entries(read, signed_only=signed_only):
            out.append([
                m.subject_id, m.reader or "", m.timepoint, m.date.isoformat(), m.lesion_id,
                m.category.value, m.location, "Y" if m.is_node else "N", _text(m.long_axis_mm),
                _text(m.short_axis_mm), m.state.value, m.fragment, _text(m.slice_thickness_mm),
                lesion.detail, observation.reason,
            ])  # fmt: skip
    return out


def write_measurements_csv(
    destination: Path | None, reads: Iterable[ReadView], *, signed_only: bool = True
) -> int:
    """Write the measurement CSV atomically (to standard output when ``destination`` is
    None); returns the number of rows written."""
    rows = export_rows(reads, signed_only=signed_only)
    write_csv(destination, EXPORT_COLUMNS, rows)
    return len(rows)


@dataclass(frozen=True, slots=True)
class ProjectExport:
    """What :func:`export_project` wrote: rows, reads, and the unsigned timepoints with
    entries that were left out (``signed_only``)."""

    rows: int
    reads: int
    drafts: int


def export_project(
    destination: Path | None,
    state: ProjectState,
    *,
    reader: str | None = None,
    signed_only: bool = True,
) -> ProjectExport:
    """``recist-review export`` of a project without users: every read of ``state`` (only
    ``reader``'s when given: ``LookupError`` naming the readers when that reader has no
    read), written atomically by :func:`write_measurements_csv`."""
    reads = [state.reads[key] for key in sorted(state.reads)]
    if reader is not None:
        known = sorted({key.reader for key in state.reads})
        reads = [read for read in reads if read.key.reader == reader]
        if not reads:
            raise LookupError(f"no read by reader {reader!r}; readers: "
                              f"{', '.join(known) or 'none yet'}")  # fmt: skip
    drafts = sum(1 for read in reads for tp in read.timepoints
                 if tp.label not in read.signatures
                 and any(label == tp.label for label, _ in read.observations))  # fmt: skip
    written = write_measurements_csv(destination, reads, signed_only=signed_only)
    return ProjectExport(written, len(reads), drafts if signed_only else 0)


def _text(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def write_table(destination: Path | None, header: Sequence[str], rows: Iterable[list[str]]) -> None:
    """Write any CSV atomically (the engine's writer: temporary file, then ``os.replace``)."""
    write_csv(destination, header, rows)


# -- per-read endpoints (adjudication and reader agreement) ------------------------------

#: The engine's schedule options (``recist.EndpointOptions``) and their ReLUTH defaults.
SCHEDULE_DEFAULTS: Mapping[str, int | bool] = dataclasses.asdict(recist.EndpointOptions())


@dataclass(frozen=True, slots=True)
class ReadEndpoints:
    """What a read concludes, as ``recist endpoints`` computes it (contract output 2):
    progression date (RECIST 1.1 section 4.3.2: dated back to an equivocal new lesion's first
    sighting), best overall response (section 4.4), the overall response at the landmark
    assessment and disease control there, rPFS from the reference date, and each follow-up's
    overall response (label -> response)."""

    reference_date: dt.date
    progression_date: dt.date | None
    best_overall_response: str
    landmark_timepoint: str | None
    landmark_response: str | None
    disease_control: bool
    rpfs_event: bool
    rpfs_date: dt.date
    rpfs_days: int
    rpfs_reason: str
    responses: Mapping[str, str]
    reason: str


def read_endpoints(
    read: ReadView,
    reference_date: dt.date | None = None,
    schedule: Mapping[str, int | bool] | None = None,
) -> ReadEndpoints | None:
    """The endpoints of a read's signed timepoints (``None`` when it has no signed baseline).
    ``reference_date`` is the (shifted) randomization date, else the baseline date;
    ``schedule`` overrides :data:`SCHEDULE_DEFAULTS` (unknown names are refused)."""
    unknown = set(schedule or {}) - set(SCHEDULE_DEFAULTS)
    if unknown:
        raise ValueError(f"unknown schedule option(s): {', '.join(sorted(unknown))}")
    options = recist.EndpointOptions(**{**SCHEDULE_DEFAULTS, **(schedule or {})})  # type: ignore[arg-type]
    assessments = recist.assess(measurement_rows(read, signed_only=True))
    if not assessments:
        return None
    assessment = assessments[0]
    info = recist.SubjectInfo(read.key.case_id, randomization_date=reference_date)
    result = recist.endpoints([assessment], {info.subject_id: info}, options)[0]
    landmark = result.landmark_assessment
    return ReadEndpoints(
        reference_date=reference_date or assessment.timepoints[0].date,
        progression_date=result.progression_date,
        best_overall_response=result.best_overall_response.value,
        landmark_timepoint=landmark.timepoint if landmark else None,
        landmark_response=_value(landmark.overall_response) if landmark else None,
        disease_control=result.dcr_6m,
        rpfs_event=result.rpfs.event, rpfs_date=result.rpfs.date, rpfs_days=result.rpfs.days,
        rpfs_reason=result.rpfs.reason,
        responses={tp.timepoint: tp.overall_response.value for tp in assessment.follow_ups
                   if tp.overall_response is not None},
        reason=result.reason,
    )  # fmt: skip


def read_randomization_dates(path: Path) -> dict[str, dt.date | None]:
    """Subject id -> randomization date from a subjects CSV (contract input 2); bad input
    raises ``ValueError`` with one ``file:line: column: message`` line per problem."""
    try:
        subjects = recist.read_subjects(path)
    except recist.InvalidInput as error:
        raise ValueError(str(error)) from None
    return {subject_id: info.randomization_date for subject_id, info in subjects.items()}
