"""Registration cases (``reviewer_gui.sample_scans.registration_cases``) as loaded series:
with the slices' UIDs and positions, registered once per test session."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from reviewer_gui.sample_scans import registration_cases as rc
from reviewer_gui.viewer.registration import Registration, index_to_point, register_series

SMALL = {"shape": (48, 80, 80), "spacing_mm": (5.0, 4.4, 4.4)}  # a second per registration


@dataclass(frozen=True)
class CaseSeries(rc.SyntheticScan):
    """A registration case's scan with the slices' UIDs and positions a loaded series has."""

    @property
    def sop_instance_uids(self) -> tuple[str, ...]:
        return tuple(f"2.25.{k + 1}" for k in range(self.voxels.shape[0]))

    @property
    def image_positions_mm(self) -> tuple[tuple[float, float, float], ...]:
        return tuple(index_to_point(self, (k, 0, 0)) for k in range(self.voxels.shape[0]))

    @property
    def slice_positions_mm(self) -> tuple[float, ...]:
        normal = np.asarray(self.slice_normal)
        return tuple(float(np.asarray(p) @ normal) for p in self.image_positions_mm)


@cache
def registered(kind: str) -> tuple[CaseSeries, CaseSeries, rc.RegistrationCase, Registration]:
    c = rc.case(kind, 1, **SMALL)  # type: ignore[arg-type]
    earlier = CaseSeries(**{f: getattr(c.baseline, f) for f in c.baseline.__dataclass_fields__})
    follow = CaseSeries(**{f: getattr(c.follow_up, f) for f in c.follow_up.__dataclass_fields__})
    return earlier, follow, c, register_series(earlier, follow)



