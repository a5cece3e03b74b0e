"""Protocol compliance in the subjects file, and why a subject is not in the per-protocol set.

ICH E9 section 5.2.2: the per-protocol set is the subset of the full analysis set (ITT) who are
sufficiently compliant with the protocol: entry criteria met, no major protocol violation, the
primary variable measured. The reasons for excluding subjects "should be fully defined and
documented before breaking the blind"; a subject is never excluded for its outcome. The
subjects file (contract input 2, "any other column: carried along for analysis") may therefore
carry two optional columns, filled in at the blind review:

- ``eligible``: ``Y``/``N`` (also yes/no/true/false/1/0, any case); empty, or no column at all,
  means eligible. ``N`` excludes the subject.
- ``major_protocol_deviation``: free text, e.g. ``wrong dose``; empty means none. Any text is a
  major deviation and excludes the subject; the text is the reason the report tallies (blanks
  collapsed, otherwise as written). A bare yes/no answer (``Y``, ``N``, ``none``, ...) is refused:
  it is ambiguous, and ``N`` would otherwise exclude a compliant subject.

The tumour-data criteria (a baseline assessment; enough adequate evaluations) are those of
``recist.report.populations``, which lists every reason a subject meets
(``populations.exclusions``; ICH E3 section 16.2.3, subjects excluded from the efficacy
analysis).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from recist.io.table import FieldError, InputProblem, parse_yes_no
from recist.model import SubjectInfo

ELIGIBLE_COLUMN = "eligible"
DEVIATION_COLUMN = "major_protocol_deviation"
#: Answers that are not a description of a deviation (compared case-insensitively).
_NOT_A_DESCRIPTION = frozenset(
    {"y", "n", "yes", "no", "true", "false", "1", "0", "none", "na", "n/a", "-"}
)


class ExclusionKind(IntEnum):
    """Why an ITT subject is not in the per-protocol set, in the order the report lists them."""

    NOT_ELIGIBLE = 1
    MAJOR_DEVIATION = 2
    NO_BASELINE = 3
    FEW_EVALUATIONS = 4

    def label(self, min_evaluations: int) -> str:
        """The reason in a statistician's words."""
        return {
            ExclusionKind.NOT_ELIGIBLE: "not eligible",
            ExclusionKind.MAJOR_DEVIATION: "major protocol deviation",
            ExclusionKind.NO_BASELINE: "no baseline tumour assessment",
            ExclusionKind.FEW_EVALUATIONS: (
                f"fewer than {min_evaluations} adequate post-baseline evaluations (not NE), "
                "no progression documented"
            ),
        }[self]


@dataclass(frozen=True, slots=True, order=True)
class Exclusion:
    """One reason; ``detail`` is the deviation's text for ``MAJOR_DEVIATION``."""

    kind: ExclusionKind
    detail: str = ""

    def text(self, min_evaluations: int) -> str:
        label = self.kind.label(min_evaluations)
        return f"{label}: {self.detail}" if self.detail else label


@dataclass(frozen=True, slots=True)
class ProtocolCompliance:
    """A subject's eligibility and major protocol deviation, as the subjects file records them."""

    eligible: bool = True
    #: The deviation's text, blanks collapsed; empty when there is none.
    major_deviation: str = ""
    #: Whether the subjects file has the ``eligible`` / ``major_protocol_deviation`` column.
    eligibility_recorded: bool = False
    deviations_recorded: bool = False


def read_compliance(
    info: SubjectInfo, file: str, line: int
) -> tuple[ProtocolCompliance, list[InputProblem]]:
    """The subject's compliance from its optional columns, or the problems naming the fix."""
    extra = dict(info.extra)
    problems: list[InputProblem] = []
    eligible = True
    answer = extra.get(ELIGIBLE_COLUMN, "")
    if answer:
        try:
            eligible = parse_yes_no(answer)
        except FieldError:
            problems.append(
                InputProblem(
                    file,
                    line,
                    ELIGIBLE_COLUMN,
                    f"'{answer}' is not Y or N (subject '{info.subject_id}'); write Y if the "
                    "subject met every entry criterion, N if not (empty also means eligible)",
                )
            )
    deviation = " ".join(extra.get(DEVIATION_COLUMN, "").split())
    if deviation.lower() in _NOT_A_DESCRIPTION:
        problems.append(
            InputProblem(
                file,
                line,
                DEVIATION_COLUMN,
                f"'{deviation}' is not a description (subject '{info.subject_id}'); leave it "
                "empty when there is no major protocol deviation, else describe it "
                "(e.g. 'wrong dose')",
            )
        )
        deviation = ""
    compliance = ProtocolCompliance(
        eligible, deviation, ELIGIBLE_COLUMN in extra, DEVIATION_COLUMN in extra
    )
    return compliance, problems
