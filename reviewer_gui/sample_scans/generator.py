"""Deterministic generator of the synthetic CT studies of the repository's ``sample_scans/``
(and of the demo's copy in an installed package, ``reviewer_gui.sample_scans``).

From a checkout, ``python sample_scans/generate.py`` rewrites ``sample_scans/`` in place; from
anywhere, ``python -m reviewer_gui.sample_scans.generator --out DIR`` writes the same bytes
into DIR.

Same seed, same bytes: every UID is ``2.25.`` + a name-based UUID (``uuid5``) of the seed and
what it names (``pydicom.uid.generate_uid(prefix=None)`` would ignore its entropy), dates are
fixed, noise comes from a seeded generator and the file meta names this generator (not the
installed pydicom version).

The body is a CT-like phantom in patient coordinates (LPS, millimetres): air, subcutaneous
fat, a muscle wall, visceral fat, lungs in the upper slices, the liver on the patient's right
in the lower ones, spleen, aorta and a vertebra. Lesions are ellipsoids of known axes and HU,
rendered with 3 x 3 in-plane and 3 through-plane sub-samples (partial volume), so that the
extent of a lesion's half-contrast mask through its centre equals its true axis within one
pixel. ``truth.csv`` lists those axes in the measurement-CSV contract's format.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import (
    UID,
    CTImageStorage,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    RLELossless,
)

SEED = 20240115
ROWS = COLS = 160
PIXEL_MM = 2.0
SLICE_MM = 5.0
N_SLICES = 20
Z_FIRST = -100.0  # IPP z of the lowest slice at table offset 0
NOISE_HU = 6.0
IMPLEMENTATION_UID = UID("2.25.22501910699967110131239494718942071160")  # fixed: not pydicom's
IMPLEMENTATION_NAME = "RECIST_SYNTH_1"
TIMEPOINTS = ("BASELINE", "M2", "M4", "M6")
TRUTH_COLUMNS = (
    "subject_id", "timepoint", "date", "lesion_id", "category", "location", "is_node",
    "long_axis_mm", "short_axis_mm", "state", "slice_thickness_mm",
)  # fmt: skip

HU = {"air": -1000, "fat": -100, "vfat": -90, "muscle": 50, "lung": -850, "liver": 100,
      "spleen": 110, "aorta": 170, "bone": 700, "marrow": 250, "canal": 20}  # fmt: skip


@dataclass(frozen=True)
class Lesion:
    """One lesion at one timepoint; axes are in-plane diameters in mm (0 = absent)."""

    lesion_id: str
    category: str
    location: str
    is_node: bool
    center: tuple[float, float, float]  # x, y, z (mm, LPS); x, y on pixel centres
    long_mm: float
    short_mm: float
    hu: int
    long_along: str = "x"  # "x" (left-right) or "y" (antero-posterior)


@dataclass(frozen=True)
class Subject:
    """A pseudonymous subject: its scans, their dates, table offsets and lesions."""

    subject_id: str
    story: str
    dates: tuple[str, ...]
    table_offsets_mm: tuple[float, ...]
    signed: bool  # stored as signed int16 (else unsigned with BitsStored 12)
    implicit_vr: bool
    lesions: tuple[tuple[Lesion, ...], ...] = field(default=())  # per timepoint


def _les(lid: str, cat: str, loc: str, node: bool, c: tuple[float, float, float],
         axes: tuple[float, float], hu: int, along: str = "x") -> Lesion:  # fmt: skip
    return Lesion(lid, cat, loc, node, c, axes[0], axes[1], hu, along)


def _story(lid: str, cat: str, loc: str, node: bool, c: tuple[float, float, float], hu: int,
           sizes: Sequence[tuple[float, float] | None],
           along: str = "x") -> list[Lesion | None]:  # fmt: skip
    return [None if s is None else _les(lid, cat, loc, node, c, s, hu, along) for s in sizes]


def subjects() -> list[Subject]:
    """The three stories: partial response, progression by a new lesion, nodal stable disease."""
    liver, lung, node = 45, 30, 40
    s1 = [  # PR: liver 40 -> 22 mm, lung 20 -> 11 mm; a 12 mm node as non-target
        _story("T1", "TARGET", "liver", False, (-59, -15, -75), liver,
               [(40, 30), (32, 24), (24, 18), (22, 16)]),
        _story("T2", "TARGET", "lung", False, (71, 1, -20), lung,
               [(20, 16), (16, 12), (12, 10), (11, 9)], along="y"),
        _story("NT1", "NON-TARGET", "lymph node", True, (51, 41, -70), node,
               [(18, 12), (16, 11), (14, 10), (14, 10)]),
    ]  # fmt: skip
    s2 = [  # PD at M4 by a new liver lesion; targets roughly stable
        _story("T1", "TARGET", "liver", False, (-45, 5, -70), liver,
               [(30, 24), (29, 23), (30, 24), (32, 25)]),
        _story("T2", "TARGET", "lymph node", True, (47, 49, -60), node,
               [(26, 18), (25, 17), (26, 18), (27, 19)], along="y"),
        _story("N1", "NEW", "liver", False, (-81, -35, -85), liver,
               [None, None, (14, 11), (18, 14)]),
    ]  # fmt: skip
    s3 = [  # SD with a nodal target
        _story("T1", "TARGET", "lymph node", True, (47, 49, -65), node,
               [(30, 20), (29, 19), (31, 21), (30, 20)], along="y"),
        _story("T2", "TARGET", "lung", False, (-69, 11, -25), lung,
               [(16, 14), (16, 14), (17, 14), (15, 13)]),
        _story("NT1", "NON-TARGET", "liver", False, (-51, -25, -80), liver,
               [(12, 10), (12, 10), (12, 10), (12, 10)]),
    ]  # fmt: skip

    def per_tp(stories: list[list[Lesion | None]]) -> tuple[tuple[Lesion, ...], ...]:
        return tuple(tuple(s[t] for s in stories if s[t] is not None) for t in range(4))  # type: ignore[misc]

    return [
        Subject("SUBJ-001", "partial response", ("2024-01-15", "2024-03-18", "2024-05-13",
                "2024-07-15"), (0, 5, -5, 0), False, False, per_tp(s1)),
        Subject("SUBJ-002", "progression by a new lesion", ("2024-02-05", "2024-04-08",
                "2024-06-03", "2024-08-05"), (0, -5, 0, 5), True, False, per_tp(s2)),
        Subject("SUBJ-003", "stable disease, nodal target", ("2024-03-04", "2024-05-06",
                "2024-07-01", "2024-09-02"), (5, 0, 0, -5), False, True, per_tp(s3)),
    ]  # fmt: skip


def _paint(hu: npt.NDArray[np.float64], xs: npt.NDArray[np.float64],
           ys: npt.NDArray[np.float64], cx: float, cy: float, ax: float, ay: float,
           value: float) -> None:  # fmt: skip
    """Set ``hu`` to `value` inside an axis-aligned ellipse (only its bounding box is tested)."""
    i0, i1 = np.searchsorted(ys, [cy - ay, cy + ay], side="left")
    j0, j1 = np.searchsorted(xs, [cx - ax, cx + ax], side="left")
    i1, j1 = min(i1 + 1, len(ys)), min(j1 + 1, len(xs))
    inside = (((xs[j0:j1] - cx) / ax) ** 2)[None, :] + (((ys[i0:i1] - cy) / ay) ** 2)[:, None]
    hu[i0:i1, j0:j1][inside <= 1.0] = value


def anatomy(xs: npt.NDArray[np.float64], ys: npt.NDArray[np.float64], z: float,
            lesions: Sequence[Lesion] = ()) -> npt.NDArray[np.float64]:  # fmt: skip
    """HU of the phantom on the grid ys x xs of the axial plane z (no partial volume, no noise)."""
    hu = np.full((len(ys), len(xs)), float(HU["air"]))

    def paint(cx: float, cy: float, ax: float, ay: float, value: float) -> None:
        _paint(hu, xs, ys, cx, cy, ax, ay, value)

    paint(0, 0, 150, 110, HU["fat"])
    paint(0, 0, 138, 98, HU["muscle"])
    paint(0, 0, 128, 88, HU["vfat"])
    liver_r = np.sqrt(max(0.0, 1 - ((z + 100) / 75) ** 2))  # liver: z < -25, widest at -100
    if liver_r > 0:
        paint(-55, -5, 68 * liver_r, 70 * liver_r, HU["liver"])
    spleen_r = np.sqrt(max(0.0, 1 - ((z + 85) / 30) ** 2))
    if spleen_r > 0:
        paint(95, 20, 25 * spleen_r, 35 * spleen_r, HU["spleen"])
    lung_r = np.sqrt(np.clip((z + 60) / 55, 0, 1))  # lung bases from z = -60 upwards
    if lung_r > 0:
        for side in (-1, 1):
            paint(side * 70, 5, 52 * lung_r, 78 * lung_r, HU["lung"])
    paint(25, 25, 13, 13, HU["aorta"])
    paint(0, 60, 19, 17, HU["bone"])
    paint(0, 60, 16.5, 14.5, HU["marrow"])
    paint(0, 88, 16, 10, HU["bone"])
    paint(0, 87, 7, 6, HU["canal"])
    for les in lesions:
        a, b = les.long_mm / 2, les.short_mm / 2
        ax, ay = (a, b) if les.long_along == "x" else (b, a)
        dz = (z - les.center[2]) / b  # through-plane semi-axis = the short semi-axis
        if abs(dz) < 1:
            k = np.sqrt(1 - dz * dz)
            paint(les.center[0], les.center[1], ax * k, ay * k, les.hu)
    return hu


def slice_positions(offset_mm: float, n: int = N_SLICES) -> list[float]:
    """IPP z of each slice, ascending, for a table offset."""
    return [Z_FIRST + offset_mm + SLICE_MM * k for k in range(n)]


def render(z_positions: Sequence[float], lesions: Sequence[Lesion], seed: int,
           rows: int = ROWS, cols: int = COLS) -> npt.NDArray[np.int16]:  # fmt: skip
    """HU volume (slices x rows x cols, int16) with partial volume and seeded noise."""
    x0, y0 = -(cols - 1) * PIXEL_MM / 2, -(rows - 1) * PIXEL_MM / 2
    sub = (np.arange(3) - 1) * PIXEL_MM / 3
    xs = (x0 + np.arange(cols) * PIXEL_MM)[:, None] + sub[None, :]
    ys = (y0 + np.arange(rows) * PIXEL_MM)[:, None] + sub[None, :]
    rng = np.random.default_rng(seed)
    out = np.empty((len(z_positions), rows, cols), dtype=np.int16)
    for i, z in enumerate(z_positions):
        acc = sum(anatomy(xs.ravel(), ys.ravel(), z + dz, lesions)
                  for dz in (-SLICE_MM / 3, 0, SLICE_MM / 3))
        mean = np.asarray(acc).reshape(rows, 3, cols, 3).mean(axis=(1, 3)) / 3
        noisy = mean + rng.normal(0, NOISE_HU, mean.shape)
        out[i] = np.clip(np.rint(noisy), -1024, 3071).astype(np.int16)
    return out


def _uid(*parts: object) -> str:
    """A UID of the form 2.25.<UUID> (ISO/IEC 9834-8) from a name-based UUID: deterministic."""
    name = "/".join(map(str, (SEED, *parts)))
    return f"2.25.{uuid.uuid5(uuid.NAMESPACE_OID, name).int}"


def make_slice(hu: npt.NDArray[np.int16], *, subject_id: str, date: str, series_key: str,
               index: int, z: float, signed: bool, intercept: int = -1024,
               description: str = "AX 5.0 PORTAL VENOUS") -> Dataset:  # fmt: skip
    """One CT Image Storage dataset with complete patient/study/series/image modules."""
    rows, cols = hu.shape
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = _uid(series_key, "slice", index)
    d = date.replace("-", "")
    ds.StudyDate = ds.SeriesDate = ds.AcquisitionDate = ds.ContentDate = d
    ds.StudyTime, ds.SeriesTime, ds.AcquisitionTime, ds.ContentTime = (
        "093000", "093500", "093512", f"0936{index % 60:02d}")  # fmt: skip
    ds.AccessionNumber = ""
    ds.Modality = "CT"
    ds.Manufacturer = "recist-toolkit synthetic phantom"
    ds.InstitutionName = ""
    ds.ReferringPhysicianName = ""
    ds.StudyDescription = "CT CHEST ABDOMEN"
    ds.SeriesDescription = description
    ds.ManufacturerModelName = "generate.py"
    ds.PatientName = subject_id
    ds.PatientID = subject_id
    ds.PatientBirthDate = ""
    ds.PatientSex = "O"
    ds.PatientIdentityRemoved = "YES"
    ds.DeidentificationMethod = "Synthetic phantom; no real patient"
    ds.SliceThickness = f"{SLICE_MM:.1f}"
    ds.KVP = "120"
    ds.ConvolutionKernel = "STANDARD"
    ds.PatientPosition = "FFS"
    ds.StudyInstanceUID = _uid(subject_id, date, "study")
    ds.SeriesInstanceUID = _uid(series_key, "series")
    ds.StudyID = "1"
    ds.SeriesNumber = 3
    ds.AcquisitionNumber = 1
    ds.InstanceNumber = index + 1
    x0, y0 = -(cols - 1) * PIXEL_MM / 2, -(rows - 1) * PIXEL_MM / 2
    ds.ImagePositionPatient = [f"{x0:g}", f"{y0:g}", f"{z:g}"]
    ds.ImageOrientationPatient = ["1", "0", "0", "0", "1", "0"]
    ds.FrameOfReferenceUID = _uid(subject_id, date, "frame")
    ds.PositionReferenceIndicator = ""
    ds.SliceLocation = f"{z:g}"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows, ds.Columns = rows, cols
    ds.PixelSpacing = [f"{PIXEL_MM:g}", f"{PIXEL_MM:g}"]
    ds.BitsAllocated = 16
    ds.BitsStored = 16 if signed else 12
    ds.HighBit = ds.BitsStored - 1
    ds.PixelRepresentation = 1 if signed else 0
    ds.WindowCenter, ds.WindowWidth = "40", "400"
    ds.RescaleIntercept = str(intercept)
    ds.RescaleSlope = "1"
    ds.RescaleType = "HU"
    stored = hu.astype(np.int32) - intercept
    lo, hi = (-(1 << (ds.BitsStored - 1)), (1 << (ds.BitsStored - 1)) - 1) if signed else (
        0, (1 << ds.BitsStored) - 1)  # fmt: skip
    if stored.min() < lo or stored.max() > hi:
        raise ValueError(f"HU {hu.min()}..{hu.max()} do not fit BitsStored {ds.BitsStored} "
                         f"with intercept {intercept}")  # fmt: skip
    ds.PixelData = stored.astype(np.int16 if signed else np.uint16).tobytes()
    return ds


def save(ds: Dataset, path: Path, *, implicit: bool = False, rle: bool = False) -> None:
    """Write `ds` as a DICOM Part 10 file with fixed file meta (reproducible bytes)."""
    ts = ImplicitVRLittleEndian if implicit else ExplicitVRLittleEndian
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ts
    meta.ImplementationClassUID = IMPLEMENTATION_UID
    meta.ImplementationVersionName = IMPLEMENTATION_NAME
    ds.file_meta = meta
    if rle:
        ds.compress(RLELossless, encoding_plugin="pydicom", generate_instance_uid=False)
        ds.file_meta.ImplementationClassUID = IMPLEMENTATION_UID
        ds.file_meta.ImplementationVersionName = IMPLEMENTATION_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, enforce_file_format=True)


def to_jpeg_lossless(path: Path) -> None:
    """Re-encode a written file in place as JPEG Lossless (Process 14, SV1), the syntax sites
    send most; pydicom has no encoder for it, GDCM does (used by tests and benchmarks)."""
    import gdcm  # type: ignore[import-untyped]  # python-gdcm: not needed to generate the samples

    reader = gdcm.ImageReader()
    reader.SetFileName(str(path))
    assert reader.Read()
    change = gdcm.ImageChangeTransferSyntax()
    change.SetTransferSyntax(gdcm.TransferSyntax(gdcm.TransferSyntax.JPEGLosslessProcess14_1))
    change.SetInput(reader.GetImage())
    assert change.Change()
    writer = gdcm.ImageWriter()
    writer.SetFileName(str(path))
    writer.SetFile(reader.GetFile())
    writer.SetImage(change.GetOutput())
    assert writer.Write()


def write_series(folder: Path, hu: npt.NDArray[np.int16], z_positions: Sequence[float], *,
                 subject_id: str, date: str, series_key: str, signed: bool = False,
                 implicit: bool = False) -> list[Path]:  # fmt: skip
    """Write one file per slice as ``folder/IM0001.dcm``...; return the paths."""
    paths = []
    for i, z in enumerate(z_positions):
        ds = make_slice(hu[i], subject_id=subject_id, date=date, series_key=series_key,
                        index=i, z=z, signed=signed)  # fmt: skip
        path = folder / f"IM{i + 1:04d}.dcm"
        save(ds, path, implicit=implicit)
        paths.append(path)
    return paths


def truth_rows(subj: Subject) -> list[dict[str, str]]:
    """The contract's measurement rows for one subject (lesions absent at a timepoint omitted)."""
    rows = []
    for t, (label, date) in enumerate(zip(TIMEPOINTS, subj.dates, strict=True)):
        for les in subj.lesions[t]:
            rows.append({
                "subject_id": subj.subject_id, "timepoint": label, "date": date,
                "lesion_id": les.lesion_id, "category": les.category,
                "location": les.location, "is_node": "Y" if les.is_node else "N",
                "long_axis_mm": f"{les.long_mm:g}", "short_axis_mm": f"{les.short_mm:g}",
                "state": "PRESENT", "slice_thickness_mm": f"{SLICE_MM:g}",
            })  # fmt: skip
    return rows


def series_seed(subject_id: str, t: int) -> int:
    """Noise seed of one scan, derived from the global seed."""
    return SEED * 100 + int(subject_id.split("-")[1]) * 10 + t


def write_study(root: Path, subj: Subject, t: int) -> list[Path]:
    """Render and write one timepoint of one subject under ``root/SUBJECT/TIMEPOINT/``."""
    zs = slice_positions(subj.table_offsets_mm[t])
    hu = render(zs, subj.lesions[t], series_seed(subj.subject_id, t))
    return write_series(root / subj.subject_id / TIMEPOINTS[t], hu, zs,
                        subject_id=subj.subject_id, date=subj.dates[t],
                        series_key=f"{subj.subject_id}/{TIMEPOINTS[t]}",
                        signed=subj.signed, implicit=subj.implicit_vr)  # fmt: skip


MESSY_SLICES = 16
MESSY_MISSING = 9  # index of the slice left out
MESSY_RLE = 4  # index of the slice stored RLE Lossless
MESSY_DUPLICATE = 6  # index of the slice written twice under two names
MESSY_INTERCEPT = {11: -1100}  # slices with their own rescale intercept


def messy_volume() -> tuple[list[float], npt.NDArray[np.int16]]:
    """Slice positions and HU of the messy series before anything was done to it."""
    zs = slice_positions(0, MESSY_SLICES)
    lesion = _les("T1", "TARGET", "liver", False, (-55, -13, -80), (24, 18), 45)
    return zs, render(zs, [lesion], SEED + 999, rows=128, cols=128)


def write_messy(folder: Path) -> dict[str, object]:
    """A 128 x 128 series as a careless site might send it; returns what was done to it.

    Shuffled, extension-less file names; a non-DICOM file; one slice duplicated under another
    name; one slice RLE-compressed; one slice missing (a gap); one slice with its own rescale
    intercept (HU must still come out right).
    """
    zs, hu = messy_volume()
    rng = random.Random(SEED)
    names = [f"{rng.getrandbits(40):010x}" for _ in range(MESSY_SLICES + 1)]
    files: dict[int, str] = {}
    for i, z in enumerate(zs):
        if i == MESSY_MISSING:
            continue
        ds = make_slice(hu[i], subject_id="SUBJ-MESSY", date="2024-04-01",
                        series_key="SUBJ-MESSY/BASELINE", index=i, z=z, signed=False,
                        intercept=MESSY_INTERCEPT.get(i, -1024))  # fmt: skip
        save(ds, folder / names[i], rle=i == MESSY_RLE)
        files[i] = names[i]
    shutil.copyfile(folder / names[MESSY_DUPLICATE], folder / names[MESSY_SLICES])
    (folder / "Thumbs.db").write_bytes(bytes(rng.getrandbits(8) for _ in range(512)))
    return {"files": files, "duplicate_of": names[MESSY_DUPLICATE],
            "duplicate": names[MESSY_SLICES], "not_dicom": "Thumbs.db"}  # fmt: skip


def generate(out: Path) -> None:
    """Write every study, the messy series and truth.csv under `out`."""
    rows: list[dict[str, str]] = []
    for subj in subjects():
        shutil.rmtree(out / subj.subject_id, ignore_errors=True)
        for t in range(len(TIMEPOINTS)):
            write_study(out, subj, t)
        rows += truth_rows(subj)
    shutil.rmtree(out / "messy", ignore_errors=True)
    write_messy(out / "messy")
    with (out / "truth.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=TRUTH_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: Sequence[str] | None = None, *, default_out: Path | None = None) -> int:
    """Command line entry point; ``--out`` is required unless ``default_out`` is given."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_out, required=default_out is None,
                        help="output folder")  # fmt: skip
    args = parser.parse_args(argv)
    generate(args.out)
    print(f"pydicom {pydicom.__version__}: wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
