"""RECIST 1.1 tumour-response assessment: sums of diameters, nadir, target / non-target /
overall response, best overall response, disease control at a landmark, rPFS and PFS.

The rules are standard-library Python with exact decimal arithmetic; I/O and the CLI live at
the edge (``recist.io``, ``recist.cli``). Typical use::

    from pathlib import Path
    import recist

    rows, _ = recist.read_measurements(Path("measurements.csv"))
    for subject in recist.assess(rows, checked=True):
        for tp in subject.timepoints:
            print(subject.key.subject_id, tp.timepoint, tp.overall_response, tp.reason)
"""

from recist.api import InvalidMeasurements, assess, endpoints, group_by_subject, validate
from recist.io.readers import read_measurements, read_responses, read_subjects
from recist.io.table import InputProblem, InvalidInput
from recist.model import (
    Category,
    Lesion,
    LesionState,
    Measurement,
    NewLesions,
    Response,
    SubjectInfo,
    SubjectKey,
)
from recist.results import (
    NewLesionOnset,
    SubjectAssessment,
    SubjectEndpoints,
    TimepointResult,
    TimeToEvent,
)
from recist.rules.assess import assess_subject
from recist.rules.conformance import Finding
from recist.rules.endpoints import EndpointOptions, subject_endpoints

__all__ = [
    "Category",
    "EndpointOptions",
    "Finding",
    "InputProblem",
    "InvalidInput",
    "InvalidMeasurements",
    "Lesion",
    "LesionState",
    "Measurement",
    "NewLesionOnset",
    "NewLesions",
    "Response",
    "SubjectAssessment",
    "SubjectEndpoints",
    "SubjectInfo",
    "SubjectKey",
    "TimeToEvent",
    "TimepointResult",
    "assess",
    "assess_subject",
    "endpoints",
    "group_by_subject",
    "read_measurements",
    "read_responses",
    "read_subjects",
    "subject_endpoints",
    "validate",
]
