"""Where the sample scans' lesions are (``reviewer_gui.sample_scans.generator``), and their
truth."""

from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np
from sample_generator import load_generator as generator

from reviewer_gui.dicom import Volume

from .conftest import SAMPLE_SCANS


@dataclass(frozen=True)
class Placed:
    """A lesion located in a loaded volume, with its true axes from truth.csv."""

    slice_index: int
    row: int  # centre pixel
    col: int
    long_along: str  # "x" (columns) or "y" (rows)
    long_mm: float
    short_mm: float
    threshold: float  # half contrast between lesion and host HU
    above: bool  # lesion brighter than its host


HOST_HU = {"liver": 100, "lung": -850, "lymph node": -90}


def truth(subject: str, timepoint: str, lesion_id: str) -> tuple[float, float]:
    """(long, short) axis in mm from ``sample_scans/truth.csv``."""
    with (SAMPLE_SCANS / "truth.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = (row["subject_id"], row["timepoint"], row["lesion_id"])
            if key == (subject, timepoint, lesion_id):
                return float(row["long_axis_mm"]), float(row["short_axis_mm"])
    raise KeyError((subject, timepoint, lesion_id))


def place(volume: Volume, subject: str, timepoint: str, lesion_id: str) -> Placed:
    """Where `lesion_id` of `subject` at `timepoint` lies in `volume` (generator's centre)."""
    gen = generator()
    subj = next(s for s in gen.subjects() if s.subject_id == subject)
    t = gen.TIMEPOINTS.index(timepoint)
    les = next(x for x in subj.lesions[t] if x.lesion_id == lesion_id)
    cx, cy, cz = les.center
    k = int(np.argmin([abs(z - cz) for z in volume.slice_positions_mm]))
    assert volume.slice_positions_mm[k] == cz
    col = round((cx - volume.origin_mm[0]) / volume.spacing_mm[2])
    row = round((cy - volume.origin_mm[1]) / volume.spacing_mm[1])
    long_mm, short_mm = truth(subject, timepoint, lesion_id)
    host = HOST_HU[les.location]
    return Placed(k, row, col, les.long_along, long_mm, short_mm, (host + les.hu) / 2,
                  les.hu > host)


def edges(volume: Volume, p: Placed, axis: str) -> tuple[float, float]:
    """Outer pixel boundaries (image coordinates) of the lesion's run through its centre.

    Found on the image as a reader would (the half-contrast edge), not from the truth: the
    run of pixels on the lesion's side of the threshold, from its first pixel's outer edge
    (index - 0.5) to its last pixel's (index + 0.5).
    """
    line = volume.voxels[p.slice_index, p.row, :] if axis == "x" else volume.voxels[
        p.slice_index, :, p.col]
    inside = line > p.threshold if p.above else line < p.threshold
    centre = p.col if axis == "x" else p.row
    assert inside[centre]
    lo = hi = centre
    while lo > 0 and inside[lo - 1]:
        lo -= 1
    while hi < len(line) - 1 and inside[hi + 1]:
        hi += 1
    return lo - 0.5, hi + 0.5
