"""``read_sr`` takes as a diameter only a NUM with its own two-point SCOORD POLYLINE: another
tool's area outline is not a long axis, and a short axis never becomes one."""

from __future__ import annotations

from pathlib import Path

import pydicom
import pytest

from reviewer_gui.reading import ReadKey
from reviewer_gui.sr import NotAMeasurementReport, read_sr, sr_name
from reviewer_gui.store import Store


def test_only_two_point_polylines_are_diameters(exported: tuple[Path, Path]) -> None:
    project, folder = exported
    with Store.open(project, create=False) as store:
        read = store.load().reads[ReadKey("SUBJ-001", "alice")]
    ds = pydicom.dcmread(folder / sr_name(read, "M2"))
    t1 = ds.ContentSequence[-1].ContentSequence[0].ContentSequence  # T1's group
    long_axis = next(i for i in t1 if i.ConceptNameCodeSequence[0].CodeMeaning == "Long Axis")
    scoord = long_axis.ContentSequence[-1]
    scoord.GraphicData = [*scoord.GraphicData, 50.0, 50.0, 40.0, 40.0]  # an outline now
    entry = next(e for e in read_sr(ds).entries if e.lesion_id == "T1")
    assert entry.fragments == ()  # no long axis: no measurement (the short one stays out)
    ds.ContentTemplateSequence[0].TemplateIdentifier = "2000"
    with pytest.raises(NotAMeasurementReport, match="not a TID 1500"):
        read_sr(ds)
