"""A second series in a sample study, for the tests of reading a timepoint on another series:
a 10 mm reconstruction of SUBJ-001's baseline written by the sample generator (the bundled
samples have one series per study), in the same study and frame of reference."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydicom.dataset import Dataset
from sample_generator import load_generator

THICK = "AX 10.0 SOFT TISSUE"
THICK_SERIES_NUMBER = 5


def write_thick_series(study: Path, edit: Callable[[Dataset], None] | None = None) -> None:
    """A 10 mm reconstruction of SUBJ-001's baseline in ``study/THICK/`` (same study, frame
    of reference and lesions; ten slices, so the 5 mm series stays the one read first);
    ``edit`` changes each slice before it is written (e.g. a site's PHI seeded in)."""
    gen = load_generator()
    subj = gen.subjects()[0]
    zs = [gen.Z_FIRST + subj.table_offsets_mm[0] + 2.5 + 10 * k for k in range(10)]
    hu = gen.render(zs, subj.lesions[0], gen.series_seed(subj.subject_id, 0) + 7)
    for i, z in enumerate(zs):
        ds = gen.make_slice(hu[i], subject_id=subj.subject_id, date=subj.dates[0],
                            series_key="SUBJ-001/BASELINE/THICK", index=i, z=z,
                            signed=subj.signed, description=THICK)  # fmt: skip
        ds.SliceThickness, ds.SeriesNumber = "10.0", THICK_SERIES_NUMBER
        if edit is not None:
            edit(ds)
        gen.save(ds, study / "THICK" / f"IM{i + 1:04d}.dcm", implicit=subj.implicit_vr)
