"""Registration cases with a known answer (issue 17, item 3): a baseline CT phantom and a
follow-up of the same body moved by a known shift, rotation or smooth deformation, with the
true follow-up position of each lesion. Used by ``benchmarks/assist.py`` and the tests.

The body is the sample scans' phantom (:func:`.generator.anatomy`: body wall, liver, spleen,
lungs, aorta, vertebra) with lesions at known centres, rendered on any grid. The follow-up is
the baseline resampled through the true transform ``T`` (follow-up point -> baseline point:
``follow_up(q) = baseline(T(q))``) with fresh noise, so a lesion at ``p`` on the baseline lies
at ``q = T^-1(p)`` on the follow-up, found by fixed-point iteration (``T`` is near identity).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import SimpleITK

from . import generator as gen

sitk: Any = SimpleITK  # its wrapped filters carry no annotations
SitkImage = Any  # SimpleITK.Image, whose methods carry no annotations
SitkTransform = Any

Vec3 = tuple[float, float, float]
AXIAL = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))  # row dir, column dir, normal
#: Lesions of the phantom (x, y, z in mm, LPS; axes in mm; HU): liver, lung, node, spleen.
LESIONS = (
    gen.Lesion("L1", "TARGET", "liver", False, (-59.0, -15.0, -95.0), 30, 24, 45),
    gen.Lesion("L2", "TARGET", "liver", False, (-35.0, 25.0, -130.0), 22, 18, 45),
    gen.Lesion("L3", "TARGET", "lung", False, (71.0, 1.0, -10.0), 20, 16, 30, "y"),
    gen.Lesion("L4", "TARGET", "lung", False, (-69.0, 11.0, 20.0), 16, 14, 30),
    gen.Lesion("N1", "TARGET", "lymph node", True, (47.0, 49.0, -60.0), 26, 18, 40, "y"),
    gen.Lesion("L5", "NON-TARGET", "spleen", False, (95.0, 20.0, -85.0), 14, 12, 60),
)  # fmt: skip


@dataclass(frozen=True)
class SyntheticScan:
    """A series as :mod:`reviewer_gui.viewer.registration` reads it (a Volume's geometry)."""

    voxels: npt.NDArray[np.int16]
    spacing_mm: Vec3  # (slice, row, column)
    origin_mm: Vec3
    row_direction: Vec3 = AXIAL[0]
    column_direction: Vec3 = AXIAL[1]
    slice_normal: Vec3 = AXIAL[2]


@dataclass(frozen=True)
class RegistrationCase:
    """A baseline, its follow-up and where each baseline lesion truly lies on the follow-up."""

    name: str
    kind: str  # "shift", "rotation", "deformation", "unrelated"
    baseline: SyntheticScan
    follow_up: SyntheticScan
    lesions_mm: tuple[Vec3, ...]  # baseline centres
    truth_mm: tuple[Vec3, ...]  # follow-up centres (NaN for an unrelated follow-up)


def phantom(shape: Sequence[int], spacing_mm: Sequence[float], z_first: float,
            noise_hu: float, seed: int) -> SyntheticScan:  # fmt: skip
    """The phantom with :data:`LESIONS` on an axial grid centred in x and y, ``int16`` HU."""
    n, rows, cols = (int(v) for v in shape)
    sz, sy, sx = (float(v) for v in spacing_mm)
    x0, y0 = -(cols - 1) * sx / 2, -(rows - 1) * sy / 2
    xs = x0 + np.arange(cols, dtype=np.float64) * sx
    ys = y0 + np.arange(rows, dtype=np.float64) * sy
    rng = np.random.default_rng(seed)
    out = np.empty((n, rows, cols), dtype=np.int16)
    for k in range(n):
        hu = gen.anatomy(xs, ys, z_first + k * sz, LESIONS)
        out[k] = np.clip(np.rint(hu + rng.normal(0, noise_hu, hu.shape)), -1024, 3071)
    return SyntheticScan(out, (sz, sy, sx), (x0, y0, z_first))


def to_image(scan: SyntheticScan) -> SitkImage:
    image = sitk.GetImageFromArray(scan.voxels)
    image.SetSpacing(tuple(reversed(scan.spacing_mm)))
    image.SetOrigin(scan.origin_mm)
    return image


def moved(baseline: SyntheticScan, transform: SitkTransform, noise_hu: float,
          seed: int) -> SyntheticScan:  # fmt: skip
    """The follow-up: `baseline` resampled through `transform` (follow-up -> baseline points)
    on the baseline's grid, with fresh noise of `noise_hu`."""
    image = sitk.Resample(to_image(baseline), transform, sitk.sitkLinear, -1000.0,
                          sitk.sitkFloat32)  # fmt: skip
    hu = sitk.GetArrayViewFromImage(image)
    rng = np.random.default_rng(seed)
    noisy = np.empty(baseline.voxels.shape, dtype=np.int16)
    for k in range(len(hu)):  # slice by slice: a 300-slice float64 copy would be 600 MB
        noisy[k] = np.clip(np.rint(hu[k] + rng.normal(0, noise_hu, hu[k].shape)), -1024, 3071)
    return replace(baseline, voxels=noisy)


def inverse_point(transform: SitkTransform, p: Sequence[float]) -> Vec3:
    """``q`` with ``transform(q) = p`` by fixed-point iteration (a near-identity transform)."""
    target = np.asarray(p, dtype=float)
    q = target.copy()
    for _ in range(100):
        step = np.asarray(transform.TransformPoint(tuple(q))) - target
        q -= step
        if np.abs(step).max() < 1e-6:
            break
    return float(q[0]), float(q[1]), float(q[2])


def rigid(rotation_deg: Sequence[float], shift_mm: Sequence[float],
          centre: Sequence[float]) -> SitkTransform:  # fmt: skip
    """Rotation about x, y, z (degrees) about `centre`, then `shift_mm`."""
    t = sitk.Euler3DTransform()
    t.SetCenter(tuple(float(v) for v in centre))
    t.SetRotation(*(np.radians(float(a)) for a in rotation_deg))
    t.SetTranslation(tuple(float(v) for v in shift_mm))
    return t


def deformation(reference: SyntheticScan, amplitude_mm: float, wavelength_mm: float,
                phase: Sequence[float]) -> SitkTransform:  # fmt: skip
    """A smooth displacement ``d_i = amplitude * sin(2 pi (x_j + phase_i) / wavelength)``
    (each component varies along another axis: breathing-like shear), on an 8 mm grid."""
    n, rows, cols = reference.voxels.shape
    sz, sy, sx = reference.spacing_mm
    size = [int(np.ceil(e / 8.0)) + 3 for e in (cols * sx, rows * sy, n * sz)]
    origin = [reference.origin_mm[i] - 8.0 for i in range(3)]
    grid = [origin[i] + 8.0 * np.arange(size[i]) for i in range(3)]
    z, y, x = np.meshgrid(grid[2], grid[1], grid[0], indexing="ij")
    w = 2 * np.pi / wavelength_mm
    field = np.stack([amplitude_mm * np.sin(w * (y + phase[0])),
                      amplitude_mm * np.sin(w * (z + phase[1])),
                      amplitude_mm * np.sin(w * (x + phase[2]))], axis=-1)  # fmt: skip
    image = sitk.GetImageFromArray(field.astype(np.float64), isVector=True)
    image.SetOrigin(tuple(origin))
    image.SetSpacing((8.0, 8.0, 8.0))
    return sitk.DisplacementFieldTransform(image)


def case(kind: str, seed: int, *, shape: Sequence[int] = (300, 512, 512),
         spacing_mm: Sequence[float] = (1.0, 0.7, 0.7), noise_hu: float = 10.0,
         ) -> RegistrationCase:  # fmt: skip
    """One case of `kind` ("shift", "rotation", "deformation" or "unrelated"), its movement
    drawn from `seed`; by default a clinical 300-slice series of 512 x 512 (z -200..+99)."""
    rng = np.random.default_rng(seed)
    z_first = -200.0 + (300 - int(shape[0]) * float(spacing_mm[0])) / 2
    base = phantom(shape, spacing_mm, z_first, noise_hu, seed)
    centre = (0.0, 0.0, z_first + (int(shape[0]) - 1) * float(spacing_mm[0]) / 2)
    shift = rng.uniform(-15, 15, 3) + np.array([0, 0, rng.choice([-20.0, 20.0])])
    if kind == "shift":
        transform = rigid((0, 0, 0), shift, centre)
    elif kind == "rotation":
        angles = rng.uniform(-3, 3, 3) + np.array([0, 0, rng.choice([-8.0, 8.0])])
        transform = rigid(angles, shift, centre)
    elif kind == "deformation":
        transform = sitk.CompositeTransform([
            rigid((0, 0, float(rng.uniform(-4, 4))), shift / 2, centre),
            deformation(base, float(rng.uniform(4, 7)), float(rng.uniform(150, 250)),
                        [float(v) for v in rng.uniform(0, 200, 3)]),
        ])  # fmt: skip
    elif kind == "unrelated":  # the follow-up is another body part: head-first, upside down
        flipped = np.ascontiguousarray(base.voxels[::-1, ::-1])
        follow = replace(base, voxels=flipped)
        nan = (float("nan"),) * 3
        return RegistrationCase(f"{kind}-{seed}", kind, base, follow,
                                tuple(les.center for les in LESIONS), (nan,) * len(LESIONS))
    else:
        raise ValueError(f"unknown registration case {kind!r}")
    follow = moved(base, transform, noise_hu, seed + 1)
    truth = tuple(inverse_point(transform, les.center) for les in LESIONS)
    return RegistrationCase(f"{kind}-{seed}", kind, base, follow,
                            tuple(les.center for les in LESIONS), truth)  # fmt: skip


KINDS = ("shift", "rotation", "deformation", "unrelated")
