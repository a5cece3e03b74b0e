"""A small blurred lesion's own outline, from a model of its image: a uniform ellipse blurred
by the slice's point-spread, fitted to the pixels around it.

On a blurred slice (a soft kernel, an image resampled to a finer matrix) a lesion a few times
the point-spread across has an edge that is a good part of its width, and the half-contrast
outline (:mod:`.outline`) is cut where the noise moves that wide edge: on lesions of 8-16 mm
blurred by a Gaussian of 0.8-1.2 mm (``benchmarks/assist.py``'s ``partial_volume``) its
short axis was off by up to 6 % at the 95th percentile, 1.7-2.5 % at the median. The model
``host + contrast * (ellipse * Gaussian)`` uses every pixel of the lesion and its edge at
once: the blur is the slice's own (:func:`image_blur_mm`, from its strong edges: a scanner's
kernel blurs every edge alike), and the ellipse's centre, axes and angle, the contrast and
the host's HU are fitted by least squares (:func:`scipy.optimize.least_squares`, with the
model's exact derivatives). The ellipse blurred by an isotropic Gaussian is, across its short
axis, a sum of Gaussians times the normal distribution's difference along the long one
(Gauss-Legendre quadrature with nodes closer than the blur: within 0.2 % of the integral).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
from scipy import ndimage, optimize, special  # type: ignore[import-untyped]

from .axes import Axis

#: Gauss-Legendre nodes across the short axis: NODES_PER_SIGMA per blur's sigma along its
#: width (within 0.2 % of the exact integral), between these bounds.
NODES_PER_SIGMA = 3.5
NODES = (8, 64)
#: image_blur_mm: edges of at least this step (HU) whose blur is at most EDGE_MAX_SIGMA_MM;
#: profiles of +- PROFILE_MM, their ends' EDGE_END_MM give each side's HU.
EDGE_STEP_HU = 120.0
EDGE_MAX_SIGMA_MM = 2.5
MIN_EDGES = 20
MAX_EDGES = 200
PROFILE_MM = 4.0
PROFILE_STEP_MM = 0.2
EDGE_END_MM = 1.0
MARGIN_MM = 4.0  # beyond the mask: the blur's tails and the host around it
MIN_NOISE_HU = 1.0  # the misfit's yardstick on a noise-free slice


@dataclass(frozen=True)
class BlurredEllipse:
    """The fitted model: centre (row, column) in image pixels, axes and blur in mm."""

    centre: tuple[float, float]
    angle: float  # of the long axis, radians, in (row mm, column mm) space
    long_mm: float
    short_mm: float
    sigma_mm: float
    contrast_hu: float
    host_hu: float
    peak_fraction: float  # the blurred image's centre, as a share of the contrast
    misfit: float  # residuals' RMS on the blurred edge over the host's (its noise, >= 1 HU)

    def axes(self, spacing_mm: Sequence[float]) -> tuple[Axis, Axis]:
        """The ellipse's (long, short) axes, end points in image coordinates."""
        row_mm, col_mm = float(spacing_mm[0]), float(spacing_mm[1])
        u = np.array([np.sin(self.angle), np.cos(self.angle)])  # (row, col) mm
        v = np.array([-u[1], u[0]])

        def axis(direction: npt.NDArray[np.float64], length: float) -> Axis:
            d = direction * length / 2 / np.array([row_mm, col_mm])
            start = (self.centre[0] - float(d[0]), self.centre[1] - float(d[1]))
            end = (self.centre[0] + float(d[0]), self.centre[1] + float(d[1]))
            return Axis(start, end, length)

        return axis(u, self.long_mm), axis(v, self.short_mm)


def blurred_ellipse(u: npt.NDArray[np.float64], v: npt.NDArray[np.float64], a: float,
                    b: float, sigma: float) -> npt.NDArray[np.float64]:  # fmt: skip
    """An ellipse of semi-axes `a` (along u) and `b` (along v), 1 inside, blurred by an
    isotropic Gaussian of `sigma`, at the points (u, v) (mm, the ellipse's own frame)."""
    return _blurred(u, v, a, b, sigma, derivatives=False)[0]


def _blurred(u: npt.NDArray[np.float64], v: npt.NDArray[np.float64], a: float, b: float,
             sigma: float, derivatives: bool) -> list[npt.NDArray[np.float64]]:  # fmt: skip
    """[F] or [F, dF/du, dF/dv, dF/da, dF/db] of :func:`blurred_ellipse`: across the short
    axis, nodes v_k = b sin(theta_k) of weight b cos(theta_k), each a Gaussian in v times
    the blurred chord of half-length a cos(theta_k) along u."""
    return _from_terms(_terms(u, v, a, b, sigma), derivatives)


Terms = tuple[npt.NDArray[np.float64], ...]


def _terms(u: npt.NDArray[np.float64], v: npt.NDArray[np.float64], a: float, b: float,
           sigma: float) -> Terms:  # fmt: skip
    """What F and its derivatives share (:func:`_blurred`): a residual's and the Jacobian's
    at one point of the fit compute them once."""
    theta, weight = _nodes(min(max(int(np.ceil(NODES_PER_SIGMA * b / sigma)) + 2, NODES[0]),
                               NODES[1]))  # fmt: skip
    cos, sin = np.cos(theta), np.sin(theta)
    dv = v[:, None] - b * sin  # from each node across the short axis
    g = np.exp(-(dv**2) / (2 * sigma**2)) / (sigma * np.sqrt(2 * np.pi))
    plus, minus = (u[:, None] + a * cos) / sigma, (u[:, None] - a * cos) / sigma
    chord = special.ndtr(plus) - special.ndtr(minus)
    w = weight * b * cos
    return weight, cos, sin, dv, g, plus, minus, chord, w, np.array(sigma)


def _from_terms(terms: Terms, derivatives: bool) -> list[npt.NDArray[np.float64]]:
    weight, cos, sin, dv, g, plus, minus, chord, w, s = terms
    sigma = float(s)
    g_chord = g * chord
    out = [g_chord @ w]
    if derivatives:
        pdf_plus, pdf_minus = np.exp(-(plus**2) / 2), np.exp(-(minus**2) / 2)
        norm = 1 / (sigma * np.sqrt(2 * np.pi))
        dg_dv = -dv / sigma**2 * g  # the Gaussian's slope in v
        out += [(g * (pdf_plus - pdf_minus) * norm) @ w,
                (dg_dv * chord) @ w,
                (g * (pdf_plus + pdf_minus) * norm) @ (w * cos),
                g_chord @ (weight * cos) - (dg_dv * chord) @ (w * sin)]  # fmt: skip
    return out


@cache
def _nodes(n: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Gauss-Legendre nodes and weights over -pi/2 .. pi/2."""
    t, w = np.polynomial.legendre.leggauss(n)
    return t * np.pi / 2, w * np.pi / 2


def fit_blurred_ellipse(pixels: npt.NDArray[np.float32], mask: npt.NDArray[np.bool_],
                        long: Axis, short: Axis, lesion_hu: float, host_hu: float,
                        spacing_mm: Sequence[float], offset: Sequence[float],
                        sigma_mm: float) -> BlurredEllipse | None:  # fmt: skip
    """The model, blurred by `sigma_mm` (the image's point-spread, :func:`image_blur_mm`),
    fitted to `pixels` (raw HU, starting at `offset` in the image) in `mask`'s box and
    :data:`MARGIN_MM` around it, started from the outline's axes `long` and `short` (image
    coordinates); ``None`` if the fit fails."""
    row_mm, col_mm = float(spacing_mm[0]), float(spacing_mm[1])
    rows, cols = np.nonzero(mask)
    m_r, m_c = int(np.ceil(MARGIN_MM / row_mm)), int(np.ceil(MARGIN_MM / col_mm))
    r0, c0 = max(int(rows.min()) - m_r, 0), max(int(cols.min()) - m_c, 0)
    r1 = min(int(rows.max()) + m_r + 1, pixels.shape[0])
    c1 = min(int(cols.max()) + m_c + 1, pixels.shape[1])
    values = pixels[r0:r1, c0:c1].astype(np.float64).ravel()
    grid_r, grid_c = np.mgrid[r0:r1, c0:c1]
    y = (grid_r.ravel() + offset[0]) * row_mm  # mm
    x = (grid_c.ravel() + offset[1]) * col_mm
    la, lb = np.array(long.start), np.array(long.end)
    cy, cx = (la[0] + lb[0]) / 2 * row_mm, (la[1] + lb[1]) / 2 * col_mm
    angle = float(np.arctan2((lb[0] - la[0]) * row_mm, (lb[1] - la[1]) * col_mm))
    # (centre row mm, centre column mm, angle, log a, log b, contrast, host)
    start = np.array([cy, cx, angle, np.log(long.length_mm / 2), np.log(short.length_mm / 2),
                      lesion_hu - host_hu, host_hu])  # fmt: skip

    def frame(p: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], ...]:
        dy, dx = y - p[0], x - p[1]
        cos, sin = np.cos(p[2]), np.sin(p[2])
        return dx * cos + dy * sin, -dx * sin + dy * cos, cos, sin

    last: dict[bytes, tuple[tuple[npt.NDArray[np.float64], ...], Terms]] = {}

    def at(p: npt.NDArray[np.float64]) -> tuple[tuple[npt.NDArray[np.float64], ...], Terms]:
        """frame(p) and the model's terms there, kept for the Jacobian at the same point."""
        key = p.tobytes()
        if key not in last:
            last.clear()
            u, v, cos, sin = frame(p)
            last[key] = ((u, v, cos, sin),
                         _terms(u, v, float(np.exp(p[3])), float(np.exp(p[4])), sigma_mm))
        return last[key]

    def residuals(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        shape = _from_terms(at(p)[1], False)[0]
        out: npt.NDArray[np.float64] = p[6] + p[5] * shape - values
        return out

    def jacobian(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        (u, v, cos, sin), terms = at(p)
        a, b = float(np.exp(p[3])), float(np.exp(p[4]))
        f, f_u, f_v, f_a, f_b = _from_terms(terms, True)
        c = p[5]
        return np.column_stack([c * (-f_u * sin - f_v * cos), c * (-f_u * cos + f_v * sin),
                                c * (f_u * v - f_v * u), c * f_a * a, c * f_b * b, f,
                                np.ones_like(f)])  # fmt: skip

    try:
        fit = optimize.least_squares(residuals, start, jac=jacobian, method="lm",
                                     x_scale=np.array([1, 1, 0.1, 0.1, 0.1, 10, 10]),
                                     max_nfev=200, xtol=1e-4, ftol=1e-4)  # fmt: skip
    except (ValueError, np.linalg.LinAlgError):
        return None
    if not fit.success or not np.all(np.isfinite(fit.x)):
        return None
    p = fit.x
    a, b, sigma = float(np.exp(p[3])), float(np.exp(p[4])), sigma_mm
    angle = float(p[2])
    if b > a:
        a, b, angle = b, a, angle + np.pi / 2
    peak = float(blurred_ellipse(np.zeros(1), np.zeros(1), a, b, sigma)[0])
    centre = (float(p[0] / row_mm), float(p[1] / col_mm))
    shape = _from_terms(at(p)[1], False)[0]
    edge, host = (shape > 0.1) & (shape < 0.9), shape < 0.01
    if edge.sum() < 3 or host.sum() < 3:
        return None
    noise = max(float(np.sqrt(np.mean(fit.fun[host] ** 2))), MIN_NOISE_HU)
    misfit = float(np.sqrt(np.mean(fit.fun[edge] ** 2))) / noise
    return BlurredEllipse(centre, angle, 2 * a, 2 * b, sigma, float(p[5]), float(p[6]), peak,
                          misfit)  # fmt: skip


def image_blur_mm(pixels: npt.NDArray[np.float32], spacing_mm: Sequence[float]) -> float | None:
    """The point-spread's sigma (mm) of `pixels` (HU), from its strong edges (a step of at
    least :data:`EDGE_STEP_HU`: an organ's capsule against fat, the body wall against air):
    across each, the rise from a quarter to three quarters of the step is 1.349 sigma of a
    Gaussian-blurred step; the median over the edges (a scanner's kernel blurs every edge
    alike). ``None`` if the slice has fewer than :data:`MIN_EDGES` such edges."""
    row_mm, col_mm = float(spacing_mm[0]), float(spacing_mm[1])
    hu = pixels.astype(np.float64)
    gradient = np.gradient(hu, row_mm, col_mm)
    g_r, g_c = np.asarray(gradient[0]), np.asarray(gradient[1])
    # edge pixels: a steep gradient, the steepest along its own direction
    floor = EDGE_STEP_HU / (np.sqrt(2 * np.pi) * EDGE_MAX_SIGMA_MM)
    # the magnitude (np.hypot, slow) only where the squares say it may reach the floor; 0
    # elsewhere, which compares with a steep pixel's as its own magnitude would (below it)
    mag = np.zeros_like(hu)
    maybe = g_r**2 + g_c**2 >= (floor * (1 - 1e-6)) ** 2
    mag[maybe] = np.hypot(g_r[maybe], g_c[maybe])
    steep = mag >= floor
    steep[[0, -1], :] = steep[:, [0, -1]] = False
    rows, cols = np.nonzero(steep)
    if len(rows) < MIN_EDGES:
        return None
    width = hu.shape[1]
    flat_mag, at = mag.ravel(), rows * width + cols
    n_r, n_c = g_r.ravel()[at] / flat_mag[at], g_c.ravel()[at] / flat_mag[at]
    step = np.rint(n_r).astype(int) * width + np.rint(n_c).astype(int)  # to the next pixel
    peak = (flat_mag[at] >= flat_mag[at + step]) & (flat_mag[at] > flat_mag[at - step])
    rows, cols, n_r, n_c = rows[peak], cols[peak], n_r[peak], n_c[peak]
    if len(rows) > MAX_EDGES:  # evenly spread over the edges found
        keep = np.linspace(0, len(rows) - 1, MAX_EDGES).astype(int)
        rows, cols, n_r, n_c = rows[keep], cols[keep], n_r[keep], n_c[keep]
    t = np.arange(-PROFILE_MM, PROFILE_MM + 1e-9, PROFILE_STEP_MM)  # mm along the gradient
    at_r = rows[:, None] + n_r[:, None] * t[None, :] / row_mm
    at_c = cols[:, None] + n_c[:, None] * t[None, :] / col_mm
    profile = ndimage.map_coordinates(hu, [at_r, at_c], order=3, mode="nearest")
    ends = round(EDGE_END_MM / PROFILE_STEP_MM)
    low, high = np.median(profile[:, :ends], axis=1), np.median(profile[:, -ends:], axis=1)
    step = high - low
    ok = step >= EDGE_STEP_HU
    if ok.sum() < MIN_EDGES:
        return None
    rise = (profile[ok] - low[ok, None]) / step[ok, None]
    # each profile shifted so that it crosses half its step at 0, then their median: the
    # noise of one profile (which moves its quarter levels) averages out over the edges
    half = _crossing(rise, 0.5, t)
    rise, half = rise[np.isfinite(half)], half[np.isfinite(half)]
    if len(rise) < MIN_EDGES:
        return None
    tau = np.arange(-PROFILE_MM / 2, PROFILE_MM / 2 + 1e-9, PROFILE_STEP_MM)
    at = (half[:, None] + tau[None, :] - t[0]) / PROFILE_STEP_MM
    aligned = ndimage.map_coordinates(rise, [np.broadcast_to(np.arange(len(rise))[:, None],
                                                             at.shape), at],
                                      order=1, mode="nearest")  # fmt: skip
    edge = np.median(aligned, axis=0)[None, :]
    sigma = float((_crossing(edge, 0.75, tau) - _crossing(edge, 0.25, tau))[0]) / 1.349
    return sigma if np.isfinite(sigma) and sigma > 0 else None


def _crossing(rise: npt.NDArray[np.float64], level: float,
              t: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:  # fmt: skip
    """Per profile (rows of `rise`, rising), where it rises through `level` nearest t = 0
    (linear between samples); nan where it does not."""
    through = (rise[:, :-1] < level) & (rise[:, 1:] >= level)
    k = np.argmin(np.where(through, np.abs(t[:-1] + t[1:]), np.inf), axis=1)
    rows = np.arange(len(rise))
    r0, r1 = rise[rows, k], rise[rows, k + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        out: npt.NDArray[np.float64] = t[k] + (level - r0) / (r1 - r0) * (t[k + 1] - t[k])
    out[~through[rows, k]] = np.nan
    return out
