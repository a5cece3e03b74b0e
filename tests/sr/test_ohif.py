"""OHIF v3's own reading path (Node: dcmjs + @cornerstonejs/adapters, versions pinned by
tests/sr/ohif/package-lock.json) re-opens every measured axis of every SR we write: each
lesion (each fragment) as Cornerstone3D's Length or Bidirectional tool, on the measured image,
end points where the reader put them, lengths within 0.1 mm of ours."""

from __future__ import annotations

import math
from pathlib import Path

from reviewer_gui.reading import Segment
from reviewer_gui.sr import sr_name, tracking_uid
from reviewer_gui.store import Store

from .kit import image_planes, ohif_read

LABELS = ("BASELINE", "M2", "M4", "M6")


def world(plane: dict[str, object], row: float, col: float) -> list[float]:
    """A pixel position (our row, column: the first pixel's centre at 0, 0) in patient
    coordinates (PS3.3 C.7.6.2.1.1)."""
    origin = plane["imagePositionPatient"]
    o = plane["imageOrientationPatient"]
    row_mm, col_mm = plane["pixelSpacing"]  # type: ignore[misc]
    return [origin[i] + o[i] * col_mm * col + o[3 + i] * row_mm * row  # type: ignore[index]
            for i in range(3)]  # fmt: skip


def ends(plane: dict[str, object], segment: Segment) -> list[list[float]]:
    return [world(plane, p.row, p.col) for p in (segment.start, segment.end)]


def test_ohif_reopens_every_axis_on_its_image(exported: tuple[Path, Path], tmp_path: Path) -> None:
    project, folder = exported
    with Store.open(project, create=False) as store:
        state = store.load()
    series = [Path(tp.series.folder) for tps in state.subjects.values() for tp in tps]  # type: ignore[union-attr]
    planes = image_planes(series)
    files = sorted(folder.iterdir())
    found = ohif_read(files, planes, tmp_path)
    expected = []
    for read in state.reads.values():
        for label in LABELS:
            file = str(folder / sr_name(read, label))
            for lesion in read.ordered_lesions:
                observation = read.observation(label, lesion.lesion_id)
                for f in observation.fragments if observation else ():
                    expected.append((file, tracking_uid(read, lesion.lesion_id, f.name), f))
    assert len(expected) == 2 * 4 * 3 + 2 + 2 + 2 + 3  # SUBJ-001 twice; SUBJ-002 (kit.rich_read)
    by_uid = {(a["file"], a["trackingUid"]): a for a in found}
    assert len(by_uid) == len(found) == len(expected)  # every axis, nothing else
    for file, uid, fragment in expected:
        annotation = by_uid[(file, uid)]
        long, short = fragment.long_axis, fragment.short_axis
        assert annotation["tool"] == ("Bidirectional" if short else "Length")
        assert annotation["referencedImageId"] == f"recist:{long.sop_instance_uid}"
        plane = planes[long.sop_instance_uid]
        points = annotation["points"]
        want = ends(plane, long.segment) + (ends(plane, short.segment) if short else [])
        assert len(points) == len(want)  # type: ignore[arg-type]
        for got, point in zip(points, want, strict=True):  # type: ignore[call-overload]
            assert math.dist(got, point) < 1e-3, (file, uid, got, point)
        assert abs(math.dist(*points[:2]) - float(long.length_mm)) <= 0.1  # type: ignore[index]
        if short:
            assert abs(math.dist(*points[2:]) - float(short.length_mm)) <= 0.1  # type: ignore[index]
        stats = next(iter(annotation["cachedStats"].values()))  # type: ignore[attr-defined]
        assert math.isclose(stats["length"], float(long.length_mm))
