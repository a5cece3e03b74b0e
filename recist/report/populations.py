"""The analysis populations of a randomized RECIST 1.1 trial (ICH E9 section 5.2).

- **ITT** (intention to treat, full analysis set): every subject of the subjects file, i.e.
  every randomized subject, analysed in the arm it was randomized to. A subject without an
  evaluable assessment is a failure for disease control and a non-responder.
- **Per-protocol**: ITT subjects who were eligible, had no major protocol deviation (the
  optional ``eligible`` and ``major_protocol_deviation`` columns of the subjects file,
  ``recist.report.protocol``; ICH E9 section 5.2.2), had a baseline tumour assessment and at
  least ``min_evaluations`` (default 2) post-baseline *adequate* evaluations (overall response
  not NE, the contract's "adequate assessment"), or whose progression was documented before
  that many were possible. ``exclusions`` lists every criterion a subject fails.

Why post-baseline: a baseline with measurable disease is an eligibility criterion (RECIST 1.1
section 3.1), so every eligible randomized subject has one; "at least two evaluations" counting
the baseline would mean "one follow-up", which a protocol would say that way. Why progression
keeps a subject: a per-protocol set excludes subjects for missing data, never for their outcome
(ICH E9 section 5.2.2); a subject whose progression was documented at the first evaluation has
a known outcome (failure), and dropping early progressors would bias the disease control rate
upwards. A death before the second evaluation is not a tumour evaluation: such a subject is
left out of the per-protocol set (and counts as a failure in ITT).
"""

from __future__ import annotations

from dataclasses import dataclass

from recist.model import Response, SubjectInfo
from recist.report.protocol import Exclusion, ExclusionKind, ProtocolCompliance
from recist.results import SubjectAssessment, SubjectEndpoints

#: Post-baseline adequate evaluations the per-protocol set requires by default.
PER_PROTOCOL_EVALUATIONS = 2


@dataclass(frozen=True, slots=True)
class AnalysisSubject:
    """One randomized subject as the report analyses it."""

    subject_id: str
    arm: str
    #: The value of each strata column, in the order the columns were given.
    strata: tuple[str, ...]
    info: SubjectInfo
    assessment: SubjectAssessment
    endpoints: SubjectEndpoints
    #: Post-baseline assessments whose overall response is not NE.
    evaluations: int
    per_protocol: bool
    compliance: ProtocolCompliance
    #: Why the subject is not per-protocol, each reason it meets (empty when it is).
    exclusions: tuple[Exclusion, ...] = ()

    @property
    def stratum(self) -> str:
        """The cross-classified stratum, e.g. ``<18m / radiological``."""
        return " / ".join(self.strata)


def adequate_evaluations(assessment: SubjectAssessment) -> int:
    """Post-baseline timepoints whose overall response is known and not NE."""
    return sum(
        1
        for tp in assessment.follow_ups
        if tp.overall_response is not None and tp.overall_response is not Response.NE
    )


def is_per_protocol(
    assessment: SubjectAssessment,
    endpoints: SubjectEndpoints,
    min_evaluations: int = PER_PROTOCOL_EVALUATIONS,
) -> bool:
    """The per-protocol rule of the module docstring on tumour data alone (eligibility and
    deviations aside)."""
    if assessment.baseline is None:
        return False
    if adequate_evaluations(assessment) >= min_evaluations:
        return True
    return endpoints.progression_date is not None


def exclusions(
    compliance: ProtocolCompliance,
    assessment: SubjectAssessment,
    endpoints: SubjectEndpoints,
    min_evaluations: int = PER_PROTOCOL_EVALUATIONS,
) -> tuple[Exclusion, ...]:
    """Every reason the subject is not per-protocol, in ``ExclusionKind`` order; empty when it
    is. Each criterion is judged on its own: a subject never scanned has no baseline *and*
    fewer evaluations than required (unless progression was documented before them)."""
    found: list[Exclusion] = []
    if not compliance.eligible:
        found.append(Exclusion(ExclusionKind.NOT_ELIGIBLE))
    if compliance.major_deviation:
        found.append(Exclusion(ExclusionKind.MAJOR_DEVIATION, compliance.major_deviation))
    if assessment.baseline is None:
        found.append(Exclusion(ExclusionKind.NO_BASELINE))
    if adequate_evaluations(assessment) < min_evaluations and endpoints.progression_date is None:
        found.append(Exclusion(ExclusionKind.FEW_EVALUATIONS))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Population:
    """A named set of subjects, in subject order."""

    name: str
    description: str
    subjects: tuple[AnalysisSubject, ...]

    def arm(self, arm: str) -> tuple[AnalysisSubject, ...]:
        return tuple(s for s in self.subjects if s.arm == arm)


def populations(
    subjects: tuple[AnalysisSubject, ...], min_evaluations: int = PER_PROTOCOL_EVALUATIONS
) -> tuple[Population, Population]:
    """The ITT and per-protocol populations."""
    itt = Population(
        "ITT",
        "all randomized subjects, in their randomized arm; non-evaluable subjects are failures",
        subjects,
    )
    per_protocol = Population(
        "Per-protocol",
        f"eligible, no major protocol deviation, a baseline and >= {min_evaluations} "
        "post-baseline adequate (not NE) evaluations, or progression documented earlier",
        tuple(s for s in subjects if s.per_protocol),
    )
    return itt, per_protocol
