"""Changes to table rows and back: what each change adds, and the current project state.

The current version of a lesion, an observation or a signature is its row with the highest
``change_id`` for its key; earlier rows are superseded, never removed. A retired lesion's
observations stay in the file but are not part of the current state; nor is a signature that a
later re-read (``reread``) superseded.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from reviewer_gui.reading import (
    AxisMeasurement,
    Category,
    Change,
    Fragment,
    Lesion,
    LesionPoint,
    LesionRetired,
    LesionSaved,
    Observation,
    ObservationRetracted,
    ObservationSaved,
    Point,
    ProjectState,
    Provenance,
    ReadKey,
    ReadView,
    Segment,
    SeriesChosen,
    SeriesRef,
    Signature,
    State,
    SubjectAdded,
    Timepoint,
    TimepointAdded,
    TimepointReopened,
    TimepointSigned,
)

Row = dict[str, Any]
Query = Callable[..., list[sqlite3.Row]]

KINDS: dict[type, str] = {
    SubjectAdded: "add-subject",
    TimepointAdded: "add-timepoint",
    LesionSaved: "save-lesion",
    LesionRetired: "retire-lesion",
    ObservationSaved: "save-observation",
    ObservationRetracted: "retract-observation",
    TimepointSigned: "sign-timepoint",
    TimepointReopened: "reread-timepoint",
    SeriesChosen: "choose-series",
}


def kind_of(change: Change) -> str:
    return KINDS[type(change)]


def entity_rows(change: Change, change_id: int) -> list[tuple[str, Row]]:
    """The rows ``change`` adds, table by table, in insertion order."""
    if isinstance(change, SubjectAdded):
        return [("subject", {"change_id": change_id, "case_id": change.case_id})]
    if isinstance(change, TimepointAdded):
        tp, series = change.timepoint, change.timepoint.series
        return [("timepoint", {
            "change_id": change_id, "case_id": change.case_id, "label": tp.label,
            "scan_date": tp.scan_date.isoformat(),
            "study_uid": series and series.study_uid, "series_uid": series and series.series_uid,
            "series_folder": series and series.folder,
            "slice_thickness_mm": _text(series.slice_thickness_mm if series else None),
        })]  # fmt: skip
    if isinstance(change, LesionSaved | LesionRetired):
        return [("lesion_version", _lesion_row(change, change_id))]
    if isinstance(change, ObservationSaved):
        obs = change.observation
        found: list[tuple[str, Row]] = [("observation_version", {
            "change_id": change_id, "case_id": change.key.case_id, "reader": change.key.reader,
            "timepoint": change.timepoint, "lesion_id": change.lesion_id,
            "state": obs.state.value, "reason": obs.reason, "recorded_by": obs.recorded_by,
            "recorded_at": obs.recorded_at.isoformat(), "retracted": 0,
        })]  # fmt: skip
        for position, fragment in enumerate(obs.fragments):
            for axis, measured in (("long", fragment.long_axis), ("short", fragment.short_axis)):
                if measured is not None:
                    found.append(("axis_measurement", _axis_row(change_id, position,
                                                                fragment.name, axis, measured)))
        return found
    if isinstance(change, ObservationRetracted):  # repeats the entry taken back, flagged
        obs = change.observation
        return [("observation_version", {
            "change_id": change_id, "case_id": change.key.case_id, "reader": change.key.reader,
            "timepoint": change.timepoint, "lesion_id": change.lesion_id,
            "state": obs.state.value, "reason": obs.reason, "recorded_by": change.by,
            "recorded_at": change.at.isoformat(), "retracted": 1,
        })]  # fmt: skip
    if isinstance(change, SeriesChosen):
        series = change.series
        return [("series_choice", {
            "change_id": change_id, "case_id": change.key.case_id, "reader": change.key.reader,
            "timepoint": change.timepoint, "study_uid": series.study_uid,
            "series_uid": series.series_uid, "series_folder": series.folder,
            "slice_thickness_mm": _text(series.slice_thickness_mm),
        })]  # fmt: skip
    if isinstance(change, TimepointReopened):
        return [("reread", {"change_id": change_id, "case_id": change.key.case_id,
                            "reader": change.key.reader, "timepoint": label})
                for label in change.timepoints]  # fmt: skip
    return [("signature", {
        "change_id": change_id, "case_id": change.key.case_id, "reader": change.key.reader,
        "timepoint": change.timepoint, "signed_by": change.signature.signed_by,
        "signed_at": change.signature.signed_at.isoformat(), "meaning": change.signature.meaning,
    })]  # fmt: skip


def _lesion_row(change: LesionSaved | LesionRetired, change_id: int) -> Row:
    key = change.key
    if isinstance(change, LesionSaved):
        les, retired = change.lesion, 0
    else:  # a retired lesion's last version repeats its attributes, flagged retired
        les, retired = change.lesion, 1
    point = les.point
    return {"change_id": change_id, "case_id": key.case_id, "reader": key.reader,
            "lesion_id": les.lesion_id, "category": les.category.value, "organ": les.organ,
            "detail": les.detail, "is_node": int(les.is_node), "retired": retired,
            "point_timepoint": point and point.timepoint,
            "point_series_uid": point and point.series_uid,
            "point_sop_instance_uid": point and point.sop_instance_uid,
            "point_slice_index": point and point.slice_index,
            "point_row": point and point.row, "point_col": point and point.col}  # fmt: skip


def _axis_row(change_id: int, position: int, fragment: str, axis: str,
              m: AxisMeasurement) -> Row:  # fmt: skip
    return {
        "change_id": change_id, "fragment_position": position, "fragment": fragment,
        "axis": axis, "slice_index": m.slice_index, "sop_instance_uid": m.sop_instance_uid,
        "start_row": m.segment.start.row, "start_col": m.segment.start.col,
        "end_row": m.segment.end.row, "end_col": m.segment.end.col,
        "row_spacing_mm": m.pixel_spacing_mm[0], "col_spacing_mm": m.pixel_spacing_mm[1],
        "length_mm": str(m.length_mm), "measured_by": m.measured_by,
        "measured_at": m.measured_at.isoformat(), "series_uid": m.series_uid or None,
        "slice_thickness_mm": _text(m.slice_thickness_mm), "provenance": m.provenance.value,
    }  # fmt: skip


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _latest(table: str, key: str) -> str:
    return (f"SELECT * FROM {table} WHERE change_id IN "
            f"(SELECT max(change_id) FROM {table} GROUP BY {key}) ORDER BY change_id")  # fmt: skip


#: The signatures in force: the latest of each timepoint, unless a re-read came after it.
_CURRENT_SIGNATURES = """
    SELECT * FROM signature s
    WHERE change_id IN (SELECT max(change_id) FROM signature GROUP BY case_id, reader, timepoint)
      AND change_id > coalesce((SELECT max(r.change_id) FROM reread r WHERE r.case_id =
          s.case_id AND r.reader = s.reader AND r.timepoint = s.timepoint), 0)
    ORDER BY change_id"""


def project_state(query: Query, *, reader: str | None = None) -> ProjectState:
    """The current state of the project from its tables (only ``reader``'s reads if given:
    a reader's session never loads another reader's read)."""
    subjects: dict[str, list[Timepoint]] = {
        r["case_id"]: [] for r in query("SELECT case_id FROM subject ORDER BY change_id")
    }
    for r in query("SELECT * FROM timepoint ORDER BY change_id"):
        thickness = r["slice_thickness_mm"]
        series = None if r["series_uid"] is None else SeriesRef(
            r["study_uid"], r["series_uid"], r["series_folder"],
            None if thickness is None else Decimal(thickness))  # fmt: skip
        subjects[r["case_id"]].append(
            Timepoint(r["label"], dt.date.fromisoformat(r["scan_date"]), series))
    timepoints = {case: tuple(sorted(tps, key=lambda t: t.scan_date))
                  for case, tps in subjects.items()}  # fmt: skip
    lesions: dict[ReadKey, dict[str, Lesion]] = defaultdict(dict)
    retired: dict[ReadKey, set[str]] = defaultdict(set)
    for r in query(_latest("lesion_version", "case_id, reader, lesion_id")):
        key = ReadKey(r["case_id"], r["reader"])
        if r["retired"]:
            retired[key].add(r["lesion_id"])
        else:
            lesions[key][r["lesion_id"]] = Lesion(r["lesion_id"], Category(r["category"]),
                                                  r["organ"], r["detail"], bool(r["is_node"]),
                                                  _point(r))  # fmt: skip
    observations = _observations(query, lesions)
    signatures: dict[ReadKey, dict[str, Signature]] = defaultdict(dict)
    for r in query(_CURRENT_SIGNATURES):
        signatures[ReadKey(r["case_id"], r["reader"])][r["timepoint"]] = Signature(
            r["signed_by"], _time(r["signed_at"]), r["meaning"])
    choices: dict[ReadKey, dict[str, SeriesRef]] = defaultdict(dict)
    for r in query(_latest("series_choice", "case_id, reader, timepoint")):
        choices[ReadKey(r["case_id"], r["reader"])][r["timepoint"]] = SeriesRef(
            r["study_uid"], r["series_uid"], r["series_folder"], _decimal(r["slice_thickness_mm"]))
    keys = {*lesions, *retired, *observations, *signatures, *choices}
    reads = {key: ReadView(key, timepoints[key.case_id], dict(lesions.get(key, {})),
                           dict(observations.get(key, {})), dict(signatures.get(key, {})),
                           frozenset(retired.get(key, set())), dict(choices.get(key, {})))
             for key in sorted(keys) if reader is None or key.reader == reader}  # fmt: skip
    return ProjectState(timepoints, reads)


def _observations(
    query: Query, lesions: dict[ReadKey, dict[str, Lesion]]
) -> dict[ReadKey, dict[tuple[str, str], Observation]]:
    axes: dict[int, dict[int, dict[str, sqlite3.Row]]] = defaultdict(lambda: defaultdict(dict))
    latest = _latest("observation_version", "case_id, reader, timepoint, lesion_id")
    for r in query(f"SELECT a.* FROM axis_measurement a JOIN ({latest}) o USING (change_id)"):
        axes[r["change_id"]][r["fragment_position"]][r["axis"]] = r
    found: dict[ReadKey, dict[tuple[str, str], Observation]] = defaultdict(dict)
    for r in query(latest):
        key = ReadKey(r["case_id"], r["reader"])
        if r["lesion_id"] not in lesions.get(key, {}) or r["retracted"]:
            continue  # a retired lesion's, or retracted: kept in the file, not current
        fragments = tuple(
            Fragment(pair["long"]["fragment"], _axis(pair["long"]),
                     _axis(pair["short"]) if "short" in pair else None)
            for _, pair in sorted(axes[r["change_id"]].items())
        )  # fmt: skip
        found[key][(r["timepoint"], r["lesion_id"])] = Observation(
            State(r["state"]), fragments, r["reason"], r["recorded_by"], _time(r["recorded_at"]))
    return found


def _axis(r: sqlite3.Row) -> AxisMeasurement:
    segment = Segment(Point(r["start_row"], r["start_col"]), Point(r["end_row"], r["end_col"]))
    return AxisMeasurement(segment, r["slice_index"], r["sop_instance_uid"],
                           (r["row_spacing_mm"], r["col_spacing_mm"]), Decimal(r["length_mm"]),
                           r["measured_by"], _time(r["measured_at"]), r["series_uid"] or "",
                           _decimal(r["slice_thickness_mm"]),
                           Provenance(r["provenance"] or Provenance.DRAWN))  # fmt: skip


def _point(r: sqlite3.Row) -> LesionPoint | None:
    """A lesion version's point (schema 5; ``None``: not marked)."""
    if r["point_timepoint"] is None:
        return None
    return LesionPoint(r["point_timepoint"], r["point_series_uid"], r["point_sop_instance_uid"],
                       int(r["point_slice_index"]), float(r["point_row"]),
                       float(r["point_col"]))  # fmt: skip


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)
