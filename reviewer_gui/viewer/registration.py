"""Find the lesion again at follow-up: register a follow-up series to the baseline (or to the
prior) and predict where a lesion of the earlier scan lies on the follow-up (issue 17, item 2).

:func:`register_series` runs SimpleITK's image registration on both volumes binned to about
:data:`DOWNSAMPLE_MM` (averaging, so the noise falls and a 300-slice series takes a second or
two): a rigid (Euler) transform first, from the bodies' centres, then an affine one started
from it, both by Mattes mutual information (CT of one patient on two days: same HU, but
contrast timing and a different table), at two resolutions. It is plain computation (no Qt,
no shared state), for a worker thread; a :class:`Stop` asked for from another thread (the
reader closed the window) ends it at the optimizer's next iteration
(:class:`RegistrationStopped`).

The result, :class:`Registration`, is the affine map of the earlier scan's patient coordinates
(LPS, mm) to the follow-up's, as numbers (:meth:`Registration.to_dict` for a project's cache,
:meth:`Registration.from_dict` back), with its quality: the correlation of the soft-tissue HU
of the two bodies once registered (:func:`quality`), 1 for the same anatomy in the same place.

:func:`predict_position` maps a lesion's position to the follow-up's slice and (row, column).
Below :data:`QUALITY_THRESHOLD` (or with no registration) it falls back, and says so, to the
prior's slice position: the same patient coordinates on the follow-up, which is right when the
patient lay the same way on both days and off by the table's shift otherwise.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import SimpleITK

sitk: Any = SimpleITK  # its wrapped filters carry no annotations
SitkImage = Any  # SimpleITK.Image, whose methods carry no annotations
SitkTransform = Any

Vec3 = tuple[float, float, float]

DOWNSAMPLE_MM = 4.0  # the registration's voxel size (about; integer bins of the scan's voxels)
BODY_HU = -500.0  # above: the body (soft tissue, bone); below: air and lung
SOFT_TISSUE_HU = (-200.0, 300.0)  # the window of the quality figure
#: Below this the registration is not trusted (benchmarks/assist.py: registered phantoms
#: 0.8-1.0, unrelated scans and gross failures under 0.3).
QUALITY_THRESHOLD = 0.6
MIN_SLICES = 3
SAMPLES = 10_000  # of the metric, per evaluation (at full resolution; 1/8 of it at half)
RANDOM_SEED = 20240115  # the metric's sampling: the same inputs give the same transform


class Scan(Protocol):
    """What registration needs of a series (:class:`reviewer_gui.dicom.Volume` has it)."""

    @property
    def voxels(self) -> npt.NDArray[Any]: ...  # (slice, row, column), HU

    @property
    def spacing_mm(self) -> Vec3: ...  # (slice, row, column)

    @property
    def origin_mm(self) -> Vec3: ...  # first slice's first pixel

    @property
    def row_direction(self) -> Vec3: ...  # of increasing column index

    @property
    def column_direction(self) -> Vec3: ...  # of increasing row index

    @property
    def slice_normal(self) -> Vec3: ...


class RegistrationError(ValueError):
    """The two series cannot be registered (too few slices, no overlap); the message says why."""


class RegistrationStopped(Exception):
    """The registration was stopped on request (:class:`Stop`): no result, not a failure."""


class Stop:
    """A request to stop a running registration, made from any thread; the registration
    checks it between its steps and at every iteration of its optimizers (SimpleITK's
    ``StopRegistration`` from an iteration command), its job before each file it reads
    (:meth:`file_read`)."""

    def __init__(self) -> None:
        self._requested = threading.Event()
        self.iterations = 0  # the optimizers' iterations run so far (its progress)
        self.files_read = 0  # the files its job's loads read so far (headers and pixels)

    def request(self) -> None:
        self._requested.set()

    @property
    def requested(self) -> bool:
        return self._requested.is_set()

    def check(self) -> None:
        """Raise :class:`RegistrationStopped` once a stop was requested."""
        if self.requested:
            raise RegistrationStopped("the registration was stopped")

    def file_read(self, path: object = None) -> None:
        """A load is about to read a file (``load_series``'s ``on_file``): raise
        :class:`RegistrationStopped` once a stop was requested, else count it."""
        self.check()
        self.files_read += 1


@dataclass(frozen=True)
class Registration:
    """``follow_up = matrix @ (earlier - center) + center + translation`` (LPS, mm)."""

    matrix: tuple[float, ...]  # 3 x 3, row-major
    translation: Vec3
    center: Vec3
    quality: float  # :func:`quality` after registration
    metric: float  # the final Mattes mutual information (lower is better)

    def map_point(self, point_mm: Sequence[float]) -> Vec3:
        """The follow-up's patient coordinates of a point of the earlier scan."""
        a = np.asarray(self.matrix, dtype=float).reshape(3, 3)
        c = np.asarray(self.center, dtype=float)
        q = a @ (np.asarray(point_mm, dtype=float) - c) + c + np.asarray(self.translation)
        return float(q[0]), float(q[1]), float(q[2])

    def to_dict(self) -> dict[str, Any]:
        """Plain numbers (JSON), for a project's cache."""
        return {"kind": "affine", "matrix": list(self.matrix),
                "translation": list(self.translation), "center": list(self.center),
                "quality": self.quality, "metric": self.metric}  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Registration:
        """The inverse of :meth:`to_dict`; ValueError naming the field that is wrong."""
        if data.get("kind") != "affine":
            raise ValueError(f"registration kind {data.get('kind')!r}: expected 'affine'")
        sizes = {"matrix": 9, "translation": 3, "center": 3}
        values: dict[str, tuple[float, ...]] = {}
        for name, size in sizes.items():
            raw = data.get(name)
            if not isinstance(raw, list | tuple) or len(raw) != size:
                raise ValueError(f"registration {name}: expected {size} numbers, got {raw!r}")
            values[name] = tuple(float(v) for v in raw)
            if not all(math.isfinite(v) for v in values[name]):
                raise ValueError(f"registration {name}: not finite: {raw!r}")
        t, c = values["translation"], values["center"]
        return cls(values["matrix"], (t[0], t[1], t[2]), (c[0], c[1], c[2]),
                   float(data["quality"]), float(data["metric"]))  # fmt: skip


@dataclass(frozen=True)
class PredictedPosition:
    """Where to show the lesion on the follow-up: a slice index and (row, column) on it."""

    slice_index: int
    row: float
    column: float
    point_mm: Vec3  # patient coordinates on the follow-up
    registered: bool  # False: the prior's slice position (see `reason`)
    reason: str  # why this position, in words for the reader


def register_series(earlier: Scan, follow_up: Scan, *,
                    stop: Stop | None = None) -> Registration:  # fmt: skip
    """Register `follow_up` to `earlier` (the baseline or the prior): rigid, then affine.
    :class:`RegistrationStopped` once `stop` is requested (from another thread)."""
    stop = stop if stop is not None else Stop()
    fixed, moving = _binned(earlier), _binned(follow_up)
    stop.check()
    start = _initial(fixed, moving)
    try:
        rigid = _run(fixed, moving, start, iterations=120, stop=stop)
        affine = sitk.AffineTransform(3)
        affine.SetCenter(rigid.GetCenter())
        affine.SetMatrix(rigid.GetMatrix())
        affine.SetTranslation(rigid.GetTranslation())
        final = _run(fixed, moving, affine, iterations=80, stop=stop)
        return assessed(fixed, moving, final)
    except RuntimeError as error:  # e.g. no sample of one image maps into the other
        raise _not_overlapping(error) from None


def assessed(fixed: SitkImage, moving: SitkImage, transform: SitkTransform) -> Registration:
    """The registration `transform` with its figures (mutual information and
    :func:`quality`); :class:`RegistrationError` when the transform leaves too few samples
    of `fixed` inside `moving` to measure them."""
    try:
        evaluate = _method(0, fixed.GetNumberOfPixels())
        evaluate.SetInitialTransform(transform)
        mi = float(evaluate.MetricEvaluate(fixed, moving))
        figure = quality(fixed, moving, transform)
    except RuntimeError as error:
        raise _not_overlapping(error) from None
    m = tuple(float(v) for v in transform.GetMatrix())
    t, c = transform.GetTranslation(), transform.GetCenter()
    return Registration(m, (t[0], t[1], t[2]), (c[0], c[1], c[2]), figure, mi)


def _not_overlapping(error: RuntimeError) -> RegistrationError:
    return RegistrationError(f"the series do not overlap enough to register ({error})"
                             .splitlines()[0])  # fmt: skip


def quality(fixed: SitkImage, moving: SitkImage, transform: SitkTransform,
            ) -> float:  # fmt: skip
    """Pearson correlation of the soft-tissue HU (clipped to :data:`SOFT_TISSUE_HU`) of the
    fixed image's body and the moving image resampled onto it, where both are imaged; 0 if
    they share under a tenth of the body."""
    resampled = sitk.Resample(moving, fixed, transform, sitk.sitkLinear, np.nan)
    f = sitk.GetArrayViewFromImage(fixed)
    m = sitk.GetArrayViewFromImage(resampled)
    body = f > BODY_HU
    both = body & np.isfinite(m)
    if both.sum() < 0.1 * max(int(body.sum()), 1) or both.sum() < 10:
        return 0.0
    lo, hi = SOFT_TISSUE_HU
    a, b = np.clip(f[both], lo, hi), np.clip(m[both], lo, hi)
    if a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def predict_position(point_mm: Sequence[float], follow_up: Scan,
                     registration: Registration | None, *,
                     threshold: float = QUALITY_THRESHOLD) -> PredictedPosition:  # fmt: skip
    """Where the lesion at `point_mm` (the earlier scan's patient coordinates) lies on the
    follow-up: mapped by `registration` when its quality reaches `threshold`, else the same
    patient coordinates (the prior's slice position), with the reason."""
    point = (float(point_mm[0]), float(point_mm[1]), float(point_mm[2]))
    if registration is None:
        target, registered = point, False
        reason = "no registration: shown at the prior's slice position"
    elif not registration.quality >= threshold:  # NaN too
        target, registered = point, False
        reason = (f"registration quality {registration.quality:.2f} is below "
                  f"{threshold:.2f}: shown at the prior's slice position")  # fmt: skip
    else:
        target, registered = registration.map_point(point), True
        reason = f"registered (quality {registration.quality:.2f})"
    k, row, col = point_to_index(follow_up, target)
    n = follow_up.voxels.shape[0]
    k_shown = min(max(round(k), 0), n - 1)
    if round(k) != k_shown:
        reason += f"; beyond the follow-up's slices, shown on its {'last' if k > 0 else 'first'}"
    return PredictedPosition(k_shown, row, col, target, registered, reason)


def point_to_index(scan: Scan, point_mm: Sequence[float]) -> Vec3:
    """(slice, row, column) of a patient point in `scan`, fractional."""
    d = np.asarray(point_mm, dtype=float) - np.asarray(scan.origin_mm, dtype=float)
    sz, sy, sx = scan.spacing_mm
    return (float(d @ np.asarray(scan.slice_normal)) / sz,
            float(d @ np.asarray(scan.column_direction)) / sy,
            float(d @ np.asarray(scan.row_direction)) / sx)  # fmt: skip


def index_to_point(scan: Scan, index: Sequence[float]) -> Vec3:
    """Patient coordinates of the voxel (slice, row, column) of `scan`."""
    k, i, j = (float(v) for v in index)
    sz, sy, sx = scan.spacing_mm
    p = (np.asarray(scan.origin_mm, dtype=float) + k * sz * np.asarray(scan.slice_normal)
         + i * sy * np.asarray(scan.column_direction) + j * sx * np.asarray(scan.row_direction))
    return float(p[0]), float(p[1]), float(p[2])


def _binned(scan: Scan) -> SitkImage:
    """The scan as a SimpleITK image in patient coordinates, averaged in bins of about
    :data:`DOWNSAMPLE_MM`, float32."""
    voxels = scan.voxels
    if voxels.ndim != 3 or voxels.shape[0] < MIN_SLICES:
        raise RegistrationError(f"a series of {voxels.shape[0] if voxels.ndim == 3 else 0} "
                                f"slices cannot be registered: at least {MIN_SLICES} needed")
    image = sitk.GetImageFromArray(voxels)
    sz, sy, sx = (float(s) for s in scan.spacing_mm)
    image.SetSpacing((sx, sy, sz))
    image.SetOrigin(tuple(float(v) for v in scan.origin_mm))
    r, c, n = scan.row_direction, scan.column_direction, scan.slice_normal
    image.SetDirection((r[0], c[0], n[0], r[1], c[1], n[1], r[2], c[2], n[2]))
    bins = [max(1, round(DOWNSAMPLE_MM / s)) for s in (sx, sy, sz)]
    bins[2] = min(bins[2], max(1, voxels.shape[0] // MIN_SLICES))
    binned = sitk.BinShrink(sitk.Cast(image, sitk.sitkFloat32) if voxels.dtype != np.int16
                            else image, bins)  # fmt: skip
    return sitk.Cast(binned, sitk.sitkFloat32)


def _body_centre(image: SitkImage) -> npt.NDArray[np.float64]:
    """Centre of the body (HU above :data:`BODY_HU`) in patient coordinates."""
    body = np.argwhere(sitk.GetArrayViewFromImage(image) > BODY_HU)
    if len(body) == 0:
        raise RegistrationError("no body in the series (no voxel above -500 HU)")
    k, i, j = body.mean(axis=0)
    return np.asarray(image.TransformContinuousIndexToPhysicalPoint((j, i, k)))


def _initial(fixed: SitkImage, moving: SitkImage) -> SitkTransform:
    """The rigid start: the bodies' centres in-plane; along the table, either the same
    position or the bodies' centres (whose scan ranges may differ), whichever fits better."""
    cf, cm = _body_centre(fixed), _body_centre(moving)
    best, best_value = None, math.inf
    for dz in sorted({0.0, float(cm[2] - cf[2])}):
        t = sitk.Euler3DTransform()
        t.SetCenter(tuple(cf))
        t.SetTranslation((float(cm[0] - cf[0]), float(cm[1] - cf[1]), dz))
        method = _method(0, fixed.GetNumberOfPixels())
        method.SetInitialTransform(t)
        try:
            value = float(method.MetricEvaluate(fixed, moving))
        except RuntimeError:
            continue
        if value < best_value:
            best, best_value = t, value
    if best is None:
        raise RegistrationError("the series do not overlap at any starting position")
    return best


def _method(iterations: int, voxels: int) -> Any:
    method = sitk.ImageRegistrationMethod()
    method.SetMetricAsMattesMutualInformation(numberOfHistogramBins=32)
    method.SetMetricSamplingStrategy(method.RANDOM)
    method.SetMetricSamplingPercentage(min(1.0, SAMPLES / voxels), RANDOM_SEED)
    method.SetInterpolator(sitk.sitkLinear)
    method.SetOptimizerAsRegularStepGradientDescent(
        learningRate=4.0, minStep=0.01, numberOfIterations=max(iterations, 1),
        relaxationFactor=0.5, gradientMagnitudeTolerance=1e-8)
    method.SetOptimizerScalesFromPhysicalShift()
    method.SetShrinkFactorsPerLevel([2, 1])
    method.SetSmoothingSigmasPerLevel([1.0, 0.0])
    return method


def _run(fixed: SitkImage, moving: SitkImage, start: SitkTransform, iterations: int,
         stop: Stop) -> Any:  # fmt: skip
    method = _method(iterations, fixed.GetNumberOfPixels())
    method.SetInitialTransform(start, inPlace=False)

    def iterated() -> None:  # in this thread, at each iteration of each level
        stop.iterations += 1
        if stop.requested:
            method.StopRegistration()  # this level; the next one stops at its first

    method.AddCommand(sitk.sitkIterationEvent, iterated)
    try:
        result = method.Execute(fixed, moving)
    finally:
        method.RemoveAllCommands()  # the command refers to the method: no cycle left
    stop.check()
    if result.GetName() == "CompositeTransform":
        result = sitk.CompositeTransform(result).GetNthTransform(0)
    return type(start)(result)  # Execute hands back a generic Transform: downcast it
