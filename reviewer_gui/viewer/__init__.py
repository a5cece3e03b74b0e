"""The image viewer's interaction logic, with no Qt import (an import-linter contract checks).

- :mod:`.windowing`: HU to 8-bit grey (DICOM PS3.3 C.11.2.1.2.1), presets on keys 1-6,
  right-drag window/level.
- :mod:`.transform`: image (row, col) <-> screen (x, y), zoom about a point, pan, fit.
- :mod:`.navigation`: the shown slice (clamped) and linked scrolling by patient position.
- :mod:`.measure` / :mod:`.tools`: the caliper and bidirectional tools as state machines,
  in millimetres from the pixel spacing, refusing to measure without one.
- :mod:`.scale_bar`: a 1-2-5 scale in mm.
- :mod:`.corner_layout`: corner text and orientation letters kept apart in narrow views.
- :mod:`.viewport`: one viewport's state and its response to mouse, wheel and keys.
- :mod:`.propose` / :mod:`.axes`: one-click measurement, the lesion under a seed segmented
  (SimpleITK region growing) and its RECIST long and perpendicular short axes proposed;
  :mod:`.outline`: the lesion's half-contrast outline at sub-pixel resolution, which the
  default method measures; :mod:`.proposal`: the proposal as an editable caliper awaiting
  Enter or Esc.
- :mod:`.registration`: a follow-up series registered to the baseline or the prior
  (SimpleITK, rigid then affine), and a lesion's predicted slice and position on it, or the
  prior's slice position when the registration is poor.

The Qt widgets in :mod:`reviewer_gui.qt` only translate events and paint what these say.
"""

from .geometry import MeasurementRefused, PixelSpacing, require_spacing
from .measure import Bidirectional, Caliper, Phase
from .navigation import SliceLink, SliceNavigator
from .proposal import Proposal, propose_at
from .propose import ProposedMeasurement, propose_measurement
from .scale_bar import choose_scale_bar, format_mm
from .tools import Marker, Measurement, MeasurementLayer, Tool
from .transform import ViewTransform
from .viewport import KEYS, Button, Viewport
from .windowing import DEFAULT_WINDOW, PRESETS, WindowDrag, WindowLevel, apply_window

__all__ = [
    "DEFAULT_WINDOW",
    "KEYS",
    "PRESETS",
    "Bidirectional",
    "Button",
    "Caliper",
    "Marker",
    "Measurement",
    "MeasurementLayer",
    "MeasurementRefused",
    "Phase",
    "PixelSpacing",
    "Proposal",
    "ProposedMeasurement",
    "SliceLink",
    "SliceNavigator",
    "Tool",
    "ViewTransform",
    "Viewport",
    "WindowDrag",
    "WindowLevel",
    "apply_window",
    "choose_scale_bar",
    "format_mm",
    "propose_at",
    "propose_measurement",
    "require_spacing",
]
