"""How the HTML report shows a table to a clinical reader: a label for each CSV column and
the precision of each kind of number. The CSV files keep the column names and full precision
(four significant digits) for programs."""

from __future__ import annotations

import re
from dataclasses import replace

from recist.report.tables import ReportTable, p_value_text

LABELS: dict[str, str] = {
    "population": "Population",
    "arm": "Arm",
    "n": "N",
    "count": "n",
    "pct": "%",
    "ci_lower_pct": "95 % CI lower (%)",
    "ci_upper_pct": "95 % CI upper (%)",
    "endpoint": "Endpoint",
    "difference": "Comparison",
    "comparison": "Comparison",
    "difference_pct": "Difference (%)",
    "test": "Test",
    "chi_square": "Chi-square",
    "statistic": "Chi-square",
    "p_value": "p-value",
    "min_expected_count": "Smallest expected count",
    "events": "Events",
    "censored": "Censored",
    "median_months": "Median (months)",
    "ci_lower_months": "95 % CI lower (months)",
    "ci_upper_months": "95 % CI upper (months)",
    "rate_6m_pct": "6-month rate (%)",
    "rate_12m_pct": "12-month rate (%)",
    "factors": "Stratification factors",
    "strata": "Strata",
    "strata_used": "Strata used",
    "hazard_ratio": "Hazard ratio",
    "hr_ci_lower": "HR 95 % CI lower",
    "hr_ci_upper": "HR 95 % CI upper",
    "note": "Note",
    "role": "Role",
    "mh_odds_ratio": "MH odds ratio",
    "or_ci_lower": "OR 95 % CI lower",
    "or_ci_upper": "OR 95 % CI upper",
    "rule": "Rule",
    "first_arm_count": "First arm n/N",
    "control_arm_count": "Control arm n/N",
    "first_arm_pct": "First arm (%)",
    "control_arm_pct": "Control arm (%)",
    "reclassified": "Subjects reclassified",
    "censoring_rule": "Censoring rule",
    "subjects_changed": "Subjects changed",
    "log_rank": "Log-rank",
    "hr": "HR",
    "stage": "Stage",
    "factor": "Factor",
    "level": "Level",
    "first_arm_n": "First arm N",
    "control_arm_n": "Control arm N",
    "dcr_difference_pct": "DCR difference (%)",
    "dcr_ci_lower_pct": "DCR 95 % CI lower (%)",
    "dcr_ci_upper_pct": "DCR 95 % CI upper (%)",
    "rpfs_hazard_ratio": "rPFS hazard ratio",
    "rpfs_hr_ci_lower": "HR 95 % CI lower",
    "rpfs_hr_ci_upper": "HR 95 % CI upper",
    "best_overall_response": "Best overall response",
}
#: Columns shown to two decimals: ratios and test statistics.
TWO_DECIMALS = frozenset(
    {
        "chi_square",
        "statistic",
        "hazard_ratio",
        "hr_ci_lower",
        "hr_ci_upper",
        "mh_odds_ratio",
        "or_ci_lower",
        "or_ci_upper",
        "rpfs_hazard_ratio",
        "rpfs_hr_ci_lower",
        "rpfs_hr_ci_upper",
        "min_expected_count",
    }
)


def label(column: str) -> str:
    """The column's label; a significance flag names its level, an arm column keeps the arm."""
    found = re.fullmatch(r"significant_at_(.+)", column)
    if found:
        return f"Significant at {found.group(1)}"
    return LABELS.get(column, column.replace("_", " "))


def _cell(column: str, value: str) -> str:
    if not value:
        return value
    if column == "p_value":
        return p_value_text(float(value))
    if column in TWO_DECIMALS:
        return f"{float(value):.2f}"
    return value


def shown(table: ReportTable) -> ReportTable:
    """``table`` as the HTML shows it."""
    rows = tuple(
        tuple(_cell(c, v) for c, v in zip(table.columns, row, strict=True)) for row in table.rows
    )
    return replace(table, columns=tuple(label(c) for c in table.columns), rows=rows)
