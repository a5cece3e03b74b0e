"""The whole trial analysis: populations, binary endpoints, best response and survival."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from recist.report.populations import PER_PROTOCOL_EVALUATIONS, AnalysisSubject, Population
from recist.report.populations import populations as make_populations
from recist.report.survival import ENDPOINTS, SurvivalAnalysis, analyse, survival_tables
from recist.report.tables import (
    ReportTable,
    binary_tables,
    bor_table,
    excluded_subjects_table,
    exclusions_table,
    subjects_table,
)
from recist.rules.endpoints import EndpointOptions


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the report shows; ``tables`` are also its CSV files."""

    arms: tuple[str, ...]
    strata_columns: tuple[str, ...]
    populations: tuple[Population, ...]
    tables: tuple[ReportTable, ...]
    survival: tuple[SurvivalAnalysis, ...]
    options: EndpointOptions
    min_evaluations: int

    def table(self, filename: str) -> ReportTable:
        return next(t for t in self.tables if t.filename == filename)


def trial_arms(subjects: Sequence[AnalysisSubject], order: Sequence[str] = ()) -> tuple[str, ...]:
    """The arms in ``order`` (the first is compared with the second), else sorted; raises
    ``ValueError`` for an arm no subject is in, or an arm left out of ``order``."""
    present = sorted({s.arm for s in subjects})
    if not order:
        return tuple(present)
    unknown = [arm for arm in order if arm not in present]
    missing = [arm for arm in present if arm not in order]
    if unknown or missing or len(set(order)) != len(order):
        raise ValueError(
            f"--arms {' '.join(order)} does not list each arm once; the arms are: "
            + ", ".join(present)
        )
    return tuple(order)


def analyse_trial(
    subjects: Sequence[AnalysisSubject],
    *,
    arms: Sequence[str] = (),
    strata_columns: Sequence[str] = (),
    options: EndpointOptions | None = None,
    min_evaluations: int = PER_PROTOCOL_EVALUATIONS,
) -> Analysis:
    """The protocol's analysis of ``subjects`` (see ``load_trial``) for ITT and per-protocol."""
    options = options or EndpointOptions()
    arm_order = trial_arms(subjects, arms)
    populations = make_populations(tuple(subjects), min_evaluations)
    survival = tuple(
        analyse(population, endpoint, arm_order, stratified=bool(strata_columns))
        for population in populations
        for endpoint in ENDPOINTS
    )
    tables = (
        *binary_tables(populations, arm_order, options.dcr_day),
        bor_table(populations, arm_order),
        *survival_tables(survival, arm_order, strata_columns),
        subjects_table(populations, strata_columns),
        exclusions_table(populations[0], arm_order, min_evaluations),
        excluded_subjects_table(populations[0], arm_order, min_evaluations),
    )
    return Analysis(
        arm_order,
        tuple(strata_columns),
        populations,
        tables,
        survival,
        options,
        min_evaluations,
    )
