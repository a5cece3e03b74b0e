"""The reading model of the reviewer app: plain Python, no Qt, no engine import.

A :class:`ReadingProject` holds pseudonymous subjects and their timepoints, and each reader's
independent read: lesions (T1, NT1, N1...) followed across timepoints, their observation at
each timepoint (a state from the measurement CSV contract, calipers in image coordinates with
their length in mm), and signatures that lock timepoints. It emits typed events
(:class:`ReadingEvents`); the engine (``reviewer_gui.engine_adapter.RecistEngine``) computes the
lesion x timepoint :class:`Grid`; the store (``reviewer_gui.store``) saves every change.
"""

from reviewer_gui.reading.entries import erases_measurement
from reviewer_gui.reading.errors import (
    MeasurementRefused,
    ReadingError,
    SigningRefused,
    TimepointLocked,
)
from reviewer_gui.reading.events import (
    Change,
    LesionRetired,
    LesionSaved,
    ObservationRetracted,
    ObservationSaved,
    ReadingEvents,
    SeriesChosen,
    SubjectAdded,
    TimepointAdded,
    TimepointReopened,
    TimepointSigned,
)
from reviewer_gui.reading.geometry import (
    AxisMeasurement,
    ImagePlane,
    Point,
    Segment,
    length_mm,
    measure_axis,
    plane_of,
)
from reviewer_gui.reading.grid import Engine, Grid, GridCell, GridRow, TimepointColumn
from reviewer_gui.reading.project import DEFAULT_MEANING, Journal, ReadingProject, utc_now
from reviewer_gui.reading.records import (
    TOO_SMALL_MM,
    Fragment,
    Lesion,
    LesionPoint,
    Observation,
    ProjectState,
    ReadKey,
    ReadView,
    SeriesRef,
    Signature,
    Timepoint,
)
from reviewer_gui.reading.vocabulary import (
    ALLOWED_STATES,
    BASELINE_STATES,
    NODE_ORGAN,
    ORGANS,
    Axis,
    Category,
    Provenance,
    State,
    lesion_order,
    states_offered,
)

__all__ = [
    "ALLOWED_STATES",
    "BASELINE_STATES",
    "DEFAULT_MEANING",
    "NODE_ORGAN",
    "ORGANS",
    "TOO_SMALL_MM",
    "Axis",
    "AxisMeasurement",
    "Category",
    "Change",
    "Engine",
    "Fragment",
    "Grid",
    "GridCell",
    "GridRow",
    "ImagePlane",
    "Journal",
    "Lesion",
    "LesionPoint",
    "LesionRetired",
    "LesionSaved",
    "MeasurementRefused",
    "Observation",
    "ObservationRetracted",
    "ObservationSaved",
    "Point",
    "ProjectState",
    "Provenance",
    "ReadKey",
    "ReadView",
    "ReadingError",
    "ReadingEvents",
    "ReadingProject",
    "Segment",
    "SeriesChosen",
    "SeriesRef",
    "Signature",
    "SigningRefused",
    "State",
    "SubjectAdded",
    "Timepoint",
    "TimepointAdded",
    "TimepointColumn",
    "TimepointLocked",
    "TimepointReopened",
    "TimepointSigned",
    "erases_measurement",
    "length_mm",
    "lesion_order",
    "measure_axis",
    "plane_of",
    "states_offered",
    "utc_now",
]
