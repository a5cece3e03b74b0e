"""Best overall response, DCR at 6 months, rPFS and PFS (contract, output 2)."""

from __future__ import annotations

import datetime as dt

import pytest
from engine_builders import assess_one, day, row

from recist import (
    EndpointOptions,
    NewLesionOnset,
    Response,
    SubjectAssessment,
    SubjectInfo,
    SubjectKey,
    TimepointResult,
    subject_endpoints,
)

CR, PR, SD, NN, PD, NE = (
    Response.CR, Response.PR, Response.SD, Response.NON_CR_NON_PD, Response.PD, Response.NE,
)


def course(*visits: tuple[int, Response], onsets: tuple[NewLesionOnset, ...] = ()
           ) -> SubjectAssessment:
    """A subject with a baseline on day 0 and responses on the given days."""
    timepoints = [TimepointResult("BASELINE", day(0), True)]
    timepoints += [TimepointResult(f"D{d}", day(d), False, overall_response=r) for d, r in visits]
    return SubjectAssessment(SubjectKey("S1", None), tuple(timepoints), onsets)


def endpoints(assessment: SubjectAssessment, options: EndpointOptions | None = None,
              **info: dt.date):
    return subject_endpoints(assessment, SubjectInfo("S1", **info), day(0),
                             options or EndpointOptions())


@pytest.mark.parametrize(
    ("visits", "expected"),
    [
        ([(56, SD), (112, PR), (168, CR), (224, PD)], CR),
        ([(56, PR), (112, PD), (168, CR)], PR),  # nothing after the first PD counts
        ([(41, SD), (97, PD)], PD),  # SD on day 41 is too early (< 42)
        ([(42, SD), (97, PD)], SD),  # day 42 is inclusive
        ([(41, NN)], NE),
        ([(56, NN), (112, NE)], NN),
        ([(56, NE)], NE),
        ([], NE),
        ([(20, PR)], PR),  # without confirmation a PR counts whenever it is seen
    ],
    ids=["CR best", "stop at PD", "SD too early", "SD at day 42", "NON-CR/NON-PD too early",
         "NON-CR/NON-PD", "only NE", "no assessment", "early PR"],
)
def test_best_overall_response(visits: list[tuple[int, Response]], expected: Response) -> None:
    assert endpoints(course(*visits)).best_overall_response is expected


@pytest.mark.parametrize(
    ("visits", "expected"),
    [
        ([(56, PR), (84, PR)], PR),  # confirmed exactly 28 days later
        ([(56, PR), (83, PR)], SD),  # 27 days: unconfirmed PR counts as SD (day 56 >= 42)
        ([(28, PR), (50, SD)], SD),  # the PR on day 28 is unconfirmed; SD on day 50 counts
        ([(28, PR)], NE),  # unconfirmed, and too early for SD
        ([(56, CR), (112, PR)], SD),  # CR needs CR to confirm; PR is not "the same or better"
        ([(56, PR), (112, CR)], PR),  # a PR confirmed by a later CR; that CR is unconfirmed
        ([(56, CR), (84, NE), (112, CR)], CR),  # one NE in between is allowed
        ([(56, CR), (84, NE), (98, NE), (112, CR)], SD),  # two are not
        ([(56, PR), (84, PD), (112, PR)], SD),  # PD in between
    ],
    ids=["PR confirmed at 28 d", "27 d too soon", "early PR then SD", "early PR alone",
         "CR then PR", "PR then CR", "one NE between", "two NE between", "PD between"],
)
def test_confirmed_best_overall_response(
    visits: list[tuple[int, Response]], expected: Response
) -> None:
    options = EndpointOptions(confirm=True)
    assert endpoints(course(*visits), options).best_overall_response is expected


@pytest.mark.parametrize(
    ("visits", "info", "expected"),
    [
        ([(56, SD), (112, SD), (182, SD)], {}, True),
        ([(56, SD), (112, SD), (154, PR)], {}, True),  # day 154 = 182 - 28: in the window
        ([(56, SD), (112, SD), (153, PR)], {}, False),  # day 153: outside
        ([(56, SD), (210, SD)], {}, True),  # day 210 = 182 + 28
        ([(56, SD), (211, SD)], {}, False),
        ([(170, NE), (200, SD)], {}, True),  # NE is skipped; the evaluable one is used
        ([(175, PD), (190, SD)], {}, False),  # PD before the chosen assessment
        ([(175, SD), (190, PD)], {}, True),  # closest is day 175 (7 days), PD comes after
        ([(175, PD), (182, SD)], {}, False),
        ([(182, SD)], {"death_date": day(150)}, False),
        ([(182, NN)], {}, True),
        ([(56, PR), (112, PR)], {}, False),  # lost to follow-up: failure
    ],
    ids=["SD at 182", "window start", "before window", "window end", "after window",
         "NE skipped", "after PD", "PD later", "PD closer", "died before", "NON-CR/NON-PD",
         "no assessment in window"],
)
def test_disease_control_at_6_months(
    visits: list[tuple[int, Response]], info: dict[str, dt.date], expected: bool
) -> None:
    assert endpoints(course(*visits), **info).dcr_6m is expected


def test_dcr_closest_assessment_tie_takes_the_earlier() -> None:
    result = endpoints(course((172, SD), (192, PD)))
    assert result.dcr_6m is True


def test_rpfs_progression_event_counts_days_from_day_one() -> None:
    result = endpoints(course((56, SD), (112, PD)))
    assert (result.rpfs.event, result.rpfs.date, result.rpfs.days, result.rpfs.reason) == (
        True, day(112), 113, "PD")
    assert result.pfs == result.rpfs


def test_event_on_reference_date_is_day_one() -> None:
    result = endpoints(course(), death_date=day(0))
    assert (result.rpfs.event, result.rpfs.days, result.rpfs.reason) == (True, 1, "DEATH")


def test_death_is_an_rpfs_event_but_censored_for_pfs() -> None:
    result = endpoints(course((56, SD), (112, SD)), death_date=day(150))
    assert (result.rpfs.event, result.rpfs.date, result.rpfs.reason) == (True, day(150), "DEATH")
    assert (result.pfs.event, result.pfs.date, result.pfs.reason) == (False, day(112), "NO_EVENT")


def test_earlier_of_progression_and_death() -> None:
    result = endpoints(course((56, SD), (112, PD)), death_date=day(100))
    assert (result.rpfs.date, result.rpfs.reason) == (day(100), "DEATH")
    assert (result.pfs.date, result.pfs.reason) == (day(112), "PD")


def test_no_event_censors_at_last_adequate_assessment() -> None:
    result = endpoints(course((56, SD), (112, SD), (168, NE)))
    assert (result.rpfs.event, result.rpfs.date, result.rpfs.reason) == (
        False, day(112), "NO_EVENT")
    assert result.rpfs.days == 113


def test_no_assessment_censors_at_reference_date() -> None:
    result = endpoints(course((56, NE)))
    assert (result.rpfs.event, result.rpfs.date, result.rpfs.days) == (False, day(0), 1)


@pytest.mark.parametrize(
    ("therapy", "expected_date"),
    [(day(100), day(56)), (day(112), day(112)), (day(200), None)],
    ids=["before PD", "on the PD date", "after PD"],
)
def test_new_therapy_censoring(therapy: dt.date, expected_date: dt.date | None) -> None:
    result = endpoints(course((56, SD), (112, PD)), new_therapy_date=therapy)
    if expected_date is None:
        assert (result.rpfs.event, result.rpfs.reason) == (True, "PD")
    else:
        assert (result.rpfs.event, result.rpfs.date, result.rpfs.reason) == (
            False, expected_date, "NEW_THERAPY")


def test_new_therapy_without_event_censors_at_last_assessment_before_it() -> None:
    result = endpoints(course((56, SD), (112, SD), (168, SD)), new_therapy_date=day(130))
    assert (result.pfs.event, result.pfs.date, result.pfs.reason) == (
        False, day(112), "NEW_THERAPY")


@pytest.mark.parametrize(
    ("visits", "gap", "missed"),
    [([(56, SD), (182, PD)], 126, False), ([(56, SD), (183, PD)], 127, True),
     ([(127, PD)], 127, True), ([(126, PD)], 126, False)],
    ids=["gap 126 days", "gap 127 days", "first assessment day 127", "first assessment day 126"],
)
def test_event_after_missed_visits_is_censored(
    visits: list[tuple[int, Response]], gap: int, missed: bool
) -> None:
    result = endpoints(course(*visits))
    if missed:
        assert (result.rpfs.event, result.rpfs.reason) == (False, "MISSED_VISITS")
        assert result.rpfs.date == (day(visits[0][0]) if len(visits) > 1 else day(0))
    else:
        assert (result.rpfs.event, result.rpfs.reason) == (True, "PD")


def test_max_gap_is_a_parameter() -> None:
    result = endpoints(course((56, SD), (183, PD)), EndpointOptions(max_gap_days=200))
    assert result.rpfs.event is True


def test_equivocal_new_lesion_dates_progression_back_through_measurements() -> None:
    rows = [
        row("BASELINE", 0, "T1", long=30),
        row("M2", 56, "T1", long=29),
        row("M4", 112, "T1", long=28), row("M4", 112, "N1", "NEW", state="EQUIVOCAL"),
        row("M6", 168, "T1", long=28), row("M6", 168, "N1", "NEW"),
    ]
    assessment = assess_one(rows)
    assert [t.overall_response for t in assessment.follow_ups] == [SD, SD, PD]
    result = endpoints(assessment)
    assert result.progression_date == day(112)
    assert (result.rpfs.event, result.rpfs.date, result.rpfs.days) == (True, day(112), 113)
    # The progression is dated at M4 (day 112): the SD seen there no longer counts for DCR.
    assert result.dcr_6m is False
    assert result.best_overall_response is SD  # SD at M2 (day 56)


def test_equivocal_lesion_never_confirmed_does_not_progress() -> None:
    rows = [
        row("BASELINE", 0, "T1", long=30),
        row("M2", 56, "T1", long=29), row("M2", 56, "N1", "NEW", state="EQUIVOCAL"),
        row("M4", 112, "T1", long=29), row("M4", 112, "N1", "NEW", state="EQUIVOCAL"),
    ]
    result = endpoints(assess_one(rows))
    assert result.progression_date is None
    assert result.rpfs.reason == "NO_EVENT"


@pytest.mark.parametrize(
    ("visits", "expected_day"),
    [
        ([(56, SD), (112, PR), (168, PR)], 112),  # the first assessment that counts as the best
        ([(30, SD), (56, NE)], 30),  # NE: the first that counts as NE (SD too early)
        ([(56, SD), (112, PD)], 56),
        ([(30, SD), (100, PD)], 100),  # PD: the progression itself
        ([], None),
    ],
    ids=["PR", "NE", "SD before PD", "PD", "none"],
)
def test_best_response_at_names_the_assessment(
    visits: list[tuple[int, Response]], expected_day: int | None
) -> None:
    result = endpoints(course(*visits))
    at_ = result.best_response_at
    assert (at_.date if at_ else None) == (day(expected_day) if expected_day is not None else None)


def test_landmark_assessment_is_the_one_judged() -> None:
    result = endpoints(course((112, SD), (175, PR), (240, SD)))
    assert result.landmark_assessment is not None
    assert result.landmark_assessment.date == day(175)
