"""SRs that OHIF writes (Cornerstone3D Length and Bidirectional annotations, through
@cornerstonejs/adapters and dcmjs, versions pinned by tests/sr/ohif/package-lock.json) load
with ``read_sr``: each measurement with its tool, image, end points and lengths."""

from __future__ import annotations

import json
import math
import subprocess
from decimal import Decimal
from pathlib import Path

import pydicom
from reading.kit import SAMPLE_SCANS

from reviewer_gui.sr import read_sr

from .kit import OHIF, image_planes, node

IMAGE = sorted((SAMPLE_SCANS / "SUBJ-001" / "BASELINE").iterdir())[12]
#: Image coordinates (x = column, y = row, from the top left corner of the first pixel).
LENGTH = [[40.5, 72.5], [80.5, 72.5]]
BIDIRECTIONAL = [[110.5, 80.5], [120.5, 80.5], [115.5, 76.5], [115.5, 84.5]]
SPACING = float(pydicom.dcmread(IMAGE, stop_before_pixels=True).PixelSpacing[0])  # square


def ohif_writes(tmp: Path) -> Path:
    ds = pydicom.dcmread(IMAGE, stop_before_pixels=True)
    plane = image_planes([IMAGE.parent])[ds.SOPInstanceUID]

    def mm(a: list[float], b: list[float]) -> float:
        return round(math.dist(a, b) * SPACING, 1)

    instance = {k: str(ds.get(k, "")) for k in (
        "SOPInstanceUID", "SOPClassUID", "StudyInstanceUID", "SeriesInstanceUID", "PatientID",
        "PatientName", "StudyDate", "StudyTime", "StudyID", "AccessionNumber", "Modality",
        "SeriesNumber", "FrameOfReferenceUID", "Manufacturer")}  # fmt: skip
    spec = {"instance": instance, "plane": plane, "measurements": [
        {"tool": "Length", "points": LENGTH, "length": mm(*LENGTH)},
        {"tool": "Bidirectional", "points": BIDIRECTIONAL, "length": mm(*BIDIRECTIONAL[:2]),
         "width": mm(*BIDIRECTIONAL[2:])}]}  # fmt: skip
    (tmp / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    done = subprocess.run([node(), "write_sr.mjs", str(tmp / "spec.json"),
                           str(tmp / "ohif.dcm")], cwd=OHIF, capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return tmp / "ohif.dcm"


def test_ohif_length_and_bidirectional_load_with_their_values(tmp_path: Path) -> None:
    path = ohif_writes(tmp_path)
    sop = pydicom.dcmread(IMAGE, stop_before_pixels=True).SOPInstanceUID
    read = read_sr(path)
    assert read.case_id == "SUBJ-001" and read.signature is None
    by_tool = {e.tracking_identifier.rsplit(":", 1)[-1]: e for e in read.entries}
    assert set(by_tool) == {"Length", "Bidirectional"}
    for name, points in (("Length", LENGTH), ("Bidirectional", BIDIRECTIONAL)):
        entry = by_tool[name]
        assert entry.lesion_id == "" and entry.category is None  # a person assigns them
        assert entry.state is not None and entry.state.value == "PRESENT"
        (fragment,) = entry.fragments
        axes = [fragment.long_axis] + ([fragment.short_axis] if fragment.short_axis else [])
        assert len(axes) == len(points) // 2
        for k, axis in enumerate(axes):
            assert axis is not None and axis.sop_instance_uid == sop
            (x0, y0), (x1, y1) = points[2 * k], points[2 * k + 1]
            got = axis.segment
            want = [(y0 - 0.5, x0 - 0.5), (y1 - 0.5, x1 - 0.5)]
            for point, (row, col) in zip((got.start, got.end), want, strict=True):
                assert math.dist((point.row, point.col), (row, col)) < 1e-3
            mm = math.dist(points[2 * k], points[2 * k + 1]) * SPACING
            assert axis.length_mm == Decimal(str(round(mm, 1)))
