"""The whole trial analysis: populations, binary endpoints, best response and survival."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from recist.report.flow import flow_table
from recist.report.forest import Subgroup, forest_table, subgroups
from recist.report.populations import PER_PROTOCOL_EVALUATIONS, AnalysisSubject, Population
from recist.report.populations import populations as make_populations
from recist.report.primary import SampleSize, comparisons, primary_table, sample_size
from recist.report.sensitivity import (
    censoring_alternatives,
    changed_subjects,
    dcr_sensitivity_table,
    rpfs_sensitivity_table,
)
from recist.report.settings import DEFAULT_SETTINGS, ProtocolSettings
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

T = TypeVar("T")


class ArmOrderError(ValueError):
    """``--arms`` does not list each arm of the subjects file once."""


class AnalysisError(Exception):
    """A statistic that could not be computed; the message names which one and why."""


def _computed(what: str, compute: Callable[[], T]) -> T:
    """``compute()``, naming ``what`` failed when a statistics library refuses the data."""
    try:
        return compute()
    except (ValueError, ArithmeticError) as error:
        raise AnalysisError(
            f"{what} could not be computed ({type(error).__name__}: {error}); check the "
            "subjects and measurements this analysis uses, or report it with both files"
        ) from error


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
    settings: ProtocolSettings = DEFAULT_SETTINGS
    sample_size: SampleSize | None = None
    #: The forest plot's subgroups (first arm against the control, ITT); empty without strata.
    subgroups: tuple[Subgroup, ...] = ()

    def table(self, filename: str) -> ReportTable:
        return next(t for t in self.tables if t.filename == filename)


def trial_arms(subjects: Sequence[AnalysisSubject], order: Sequence[str] = ()) -> tuple[str, ...]:
    """The arms in ``order`` (the first is compared with the second), else sorted; raises
    ``ArmOrderError`` for an arm no subject is in, or an arm left out of ``order``."""
    present = sorted({s.arm for s in subjects})
    if not order:
        return tuple(present)
    unknown = [arm for arm in order if arm not in present]
    missing = [arm for arm in present if arm not in order]
    if unknown or missing or len(set(order)) != len(order):
        raise ArmOrderError(
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
    settings: ProtocolSettings = DEFAULT_SETTINGS,
) -> Analysis:
    """The protocol's analysis of ``subjects`` (see ``load_trial``) for ITT and per-protocol;
    raises ``ArmOrderError`` (``arms``) or ``AnalysisError`` naming the statistic that failed."""
    options = options or EndpointOptions()
    arm_order = trial_arms(subjects, arms)
    populations = make_populations(tuple(subjects), min_evaluations)
    survival = tuple(
        _computed(
            f"{endpoint} in the {population.name} population (Kaplan-Meier, log-rank, Cox)",
            partial(analyse, population, endpoint, arm_order, stratified=bool(strata_columns)),
        )
        for population in populations
        for endpoint in ENDPOINTS
    )
    pairs = comparisons(arm_order)
    groups: tuple[Subgroup, ...] = ()
    if strata_columns and pairs:
        groups = tuple(
            _computed(
                "the subgroups of the forest plot (Newcombe, Cox)",
                lambda: subgroups(populations[0].subjects, strata_columns, *pairs[0]),
            )
        )
    tables = (
        *_computed(
            "disease control and objective response (Clopper-Pearson, Newcombe, chi-square or "
            "Fisher)",
            lambda: binary_tables(populations, arm_order, options.dcr_day),
        ),
        _computed(
            "the primary test of disease control (CMH, chi-square or Fisher)",
            lambda: primary_table(populations, arm_order, strata_columns, settings),
        ),
        _computed(
            "the disease control sensitivity analysis",
            lambda: dcr_sensitivity_table(populations, arm_order, options),
        ),
        _computed("best overall response per arm", lambda: bor_table(populations, arm_order)),
        *_computed(
            "the survival tables", lambda: survival_tables(survival, arm_order, strata_columns)
        ),
        _computed(
            "the rPFS censoring sensitivity analysis (Kaplan-Meier, log-rank, Cox)",
            lambda: _rpfs_sensitivity(populations, arm_order, strata_columns, options, settings),
        ),
        subjects_table(populations, strata_columns),
        flow_table(populations[0], arm_order),
        exclusions_table(populations[0], arm_order, min_evaluations),
        excluded_subjects_table(populations[0], arm_order, min_evaluations),
        *([forest_table(groups, *pairs[0])] if groups else []),
    )
    planned = sample_size(
        settings.control_rate, settings.experimental_rate, settings.alpha, settings.power
    )
    return Analysis(
        arm_order,
        tuple(strata_columns),
        populations,
        tables,
        survival,
        options,
        min_evaluations,
        settings,
        planned,
        groups,
    )


def _rpfs_sensitivity(
    populations: Sequence[Population],
    arms: Sequence[str],
    strata_columns: Sequence[str],
    options: EndpointOptions,
    settings: ProtocolSettings,
) -> ReportTable:
    rows = []
    for population in populations:
        for rule, altered in censoring_alternatives(population, options, settings).items():
            survival = analyse(altered, "rPFS", arms, stratified=bool(strata_columns))
            rows.append((rule, changed_subjects(population, altered), survival))
    return rpfs_sensitivity_table(rows, arms)
