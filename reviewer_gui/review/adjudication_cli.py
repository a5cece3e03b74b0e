"""``recist-review adjudication``, ``recist-review agreement`` and ``export --final``.

``adjudication list PROJECT.db --user NAME``: every subject's status (waiting, agreed,
flagged, adjudicated), readers, final reader and what disagrees. ``adjudication show
PROJECT.db CASE --user NAME``: both reads side by side (timepoints, lesions, triggers).
``adjudication decide PROJECT.db CASE --choose READER --reason TEXT --user NAME``: the
adjudicator's choice, signed (the password is asked again for the signature; with
``--password-stdin`` give it on a second line). ``adjudication settings PROJECT.db --user
ADMIN [--tolerance-days N] [--no-landmark-trigger] ...``: show or change the triggers and the
schedule. ``adjudication reference PROJECT.db SUBJECTS.csv --key-file KEY --user ADMIN``: the
trial's randomization dates, mapped through the de-identification key. ``agreement PROJECT.db
-o DIR --user NAME``: the reader-agreement report. Readers are refused all of these.

Exit status: 0 success; 2 refused or bad input (the message says why; nothing written).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer_gui.review.cli import (
    _audit_key,
    _guarded,
    _passwords,
    _secrets,
    project_location,
)

if TYPE_CHECKING:
    from reviewer_gui.review.adjudication import AdjudicationDesk

DEFAULT_MEANING = "Adjudicated: I chose this read as the final read"
SCHEDULE = ("confirm_days", "max_ne_between", "sd_min_days", "dcr_day", "dcr_window",
            "max_gap_days")  # fmt: skip


def add_adjudication_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Add ``adjudication`` and ``agreement`` to ``recist-review``."""
    parser = commands.add_parser("adjudication", help="compare complete reads, adjudicate")
    actions = parser.add_subparsers(dest="adjudication_command", required=True, metavar="ACTION")
    _command(actions, "list", "every subject's status and triggers", _list)
    show = _command(actions, "show", "both reads of a subject side by side", _show)
    show.add_argument("case_id", metavar="CASE")
    decide = _command(actions, "decide", "choose the final read (adjudicator, signed)", _decide)
    decide.add_argument("case_id", metavar="CASE")
    decide.add_argument("--choose", required=True, metavar="READER", help="the chosen reader")
    decide.add_argument("--reason", required=True, help="why this read is the right one")
    decide.add_argument("--meaning", default=DEFAULT_MEANING,
                        help=f"what the signature means (default: {DEFAULT_MEANING!r})")
    settings = _command(actions, "settings", "show or change the triggers (administrator)",
                        _settings)  # fmt: skip
    for name, what in (("progression-date", "progression dates differ beyond the tolerance"),
                       ("landmark", "the reads differ at the landmark"),
                       ("best-response", "best overall responses differ")):  # fmt: skip
        settings.add_argument(f"--{name}-trigger", dest=name.replace("-", "_"), default=None,
                              action=argparse.BooleanOptionalAction, help=f"flag when {what}")
    settings.add_argument("--tolerance-days", type=int, metavar="DAYS",
                          help="progression dates this many days apart still agree")
    settings.add_argument("--landmark-compare", choices=("disease-control", "response"),
                          help="compare disease control (Y/N) or the overall response there")
    settings.add_argument("--confirm", default=None, action=argparse.BooleanOptionalAction,
                          help="CR/PR count toward the best response only when confirmed")
    for name in SCHEDULE:
        settings.add_argument(f"--{name.replace('_', '-')}", dest=name, type=int, metavar="DAYS",
                              help="schedule of recist endpoints (same option there)")
    settings.add_argument("--reason", default="", help="why the settings change (audit trail)")
    reference = _command(actions, "reference", "randomization dates from the subjects CSV "
                         "(administrator)", _reference)  # fmt: skip
    reference.add_argument("subjects", type=Path, help="subjects CSV (real subject ids)")
    reference.add_argument("--key-file", type=Path, required=True,
                           help="the de-identification key written by the import")
    agreement = _command(commands, "agreement", "the reader-agreement report (core-lab QC)",
                         _agreement)  # fmt: skip
    agreement.add_argument("-o", "--output", type=Path, required=True, metavar="DIR",
                           help="folder for agreement_*.csv and agreement.md")


def _command(
    actions: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    text: str,
    handler: Callable[[argparse.Namespace, AdjudicationDesk], int],
) -> argparse.ArgumentParser:
    parser = actions.add_parser(name, help=text)
    parser.add_argument("project", type=project_location,
                        help="reading project file (PROJECT.db) or postgresql://HOST:PORT/DB")
    parser.add_argument("--user", required=True, help="who signs in (adjudicator or study "
                        "administrator)")  # fmt: skip
    _secrets(parser)
    parser.set_defaults(handler=_guarded(_signed_in(handler)))
    return parser


def _signed_in(
    handler: Callable[[argparse.Namespace, AdjudicationDesk], int],
) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from reviewer_gui.engine_adapter import RecistEngine
        from reviewer_gui.reading import ReadingError
        from reviewer_gui.review import sign_in
        from reviewer_gui.review.adjudication import AdjudicationDesk

        args.passwords = _passwords(args)
        with sign_in(args.project, args.user, next(args.passwords), engine=RecistEngine(),
                     audit_key=_audit_key(args)) as session:  # fmt: skip
            try:
                return handler(args, AdjudicationDesk(session))
            except ReadingError as error:
                raise ValueError(str(error)) from None

    return run


def _list(args: argparse.Namespace, desk: AdjudicationDesk) -> int:
    print("case\tstatus\treaders\tfinal\tnote")
    for review in desk.cases():
        print(f"{review.case_id}\t{review.status.value}\t{','.join(review.readers) or '-'}\t"
              f"{review.final_reader or '-'}\t{review.note}")  # fmt: skip
    return 0


def _show(args: argparse.Namespace, desk: AdjudicationDesk) -> int:
    from reviewer_gui.review.side_by_side import side_by_side

    view = side_by_side(desk, args.case_id)
    one, two = view.readers
    print(f"{args.case_id}: {view.review.status.value}: {view.review.note}")
    for trigger in view.review.triggers:
        print(f"  trigger {trigger.name.value}: {trigger.explanation}")
    for reader in view.readers:
        found = view.review.endpoints.get(reader)
        if found is not None:
            print(f"  {reader}: progression {found.progression_date or 'none'}, best "
                  f"{found.best_overall_response}, landmark {found.landmark_response or '-'} "
                  f"(DCR {'Y' if found.disease_control else 'N'}), rPFS day "
                  f"{found.rpfs_days} ({found.rpfs_reason})")  # fmt: skip
    print(f"timepoint\tdate\t{one} sum\t{one} overall\t{two} sum\t{two} overall")
    for tp, (a, b) in zip(view.timepoints, view.columns, strict=True):
        print(f"{tp.label}\t{tp.scan_date}\t{a.target_sum_mm or ''}\t{a.overall_response or ''}"
              f"\t{b.target_sum_mm or ''}\t{b.overall_response or ''}")  # fmt: skip
    for pair in view.lesions:
        where = " | ".join(lesion.location if lesion else "-" for lesion in pair.lesions)
        print(f"{pair.lesion_id} ({where})")
        for tp, cells in zip(view.timepoints, pair.cells, strict=True):
            text = [("-" if c is None else f"{c.cell.state.value} "
                     f"{c.cell.diameter_mm if c.cell.diameter_mm is not None else ''}".strip())
                    for c in cells]  # fmt: skip
            print(f"  {tp.label}\t{one}: {text[0]}\t{two}: {text[1]}")
    return 0


def _decide(args: argparse.Namespace, desk: AdjudicationDesk) -> int:
    if not args.password_stdin:
        print("signature: enter your password again", file=sys.stderr)
    decision = desk.decide(args.case_id, args.choose, reason=args.reason, name=args.user,
                           password=next(args.passwords), meaning=args.meaning)  # fmt: skip
    print(f"recist-review: {args.case_id}: {decision.chosen_reader}'s read is final "
          f"(adjudicated by {decision.signed_by}, audit record {decision.seq})", file=sys.stderr)
    return 0


def _settings(args: argparse.Namespace, desk: AdjudicationDesk) -> int:
    names = ("progression_date", "landmark", "best_response", "tolerance_days",
             "landmark_compare", "confirm", *SCHEDULE)  # fmt: skip
    changes = {name: getattr(args, name) for name in names if getattr(args, name) is not None}
    current = desk.settings()
    if changes:
        current = current.changed(**changes)
        seq = desk.set_settings(current, reason=args.reason)
        done = f"recorded, audit record {seq}" if seq else "unchanged"
        print(f"recist-review: settings {done}", file=sys.stderr)
    for name, value in current.as_values().items():
        print(f"{name}\t{str(value).lower() if isinstance(value, bool) else value}")
    return 0


def _reference(args: argparse.Namespace, desk: AdjudicationDesk) -> int:
    from reviewer_gui.review.reference import import_reference_dates

    done = import_reference_dates(desk, args.subjects, args.key_file)
    for real_id, why in done.left_out.items():
        print(f"recist-review: {args.subjects}: {real_id}: {why}", file=sys.stderr)
    print(f"recist-review: {len(done.recorded)} reference date(s), shifted, for the "
          f"project's case ids{'' if done.audit_seq else ' (unchanged)'}", file=sys.stderr)
    return 0


def _agreement(args: argparse.Namespace, desk: AdjudicationDesk) -> int:
    from reviewer_gui.review.agreement import agreement_report, write_agreement

    report = agreement_report(desk.cases(), desk.settings())
    paths = write_agreement(report, args.output)
    desk.session._store.log_action("agreement-report", desk.session.user, after={"export": [
        {"files": [str(p) for p in paths], "subjects": report.complete}]})  # fmt: skip
    print(f"recist-review: agreement of {report.complete} subject(s) written to "
          f"{args.output}", file=sys.stderr)  # fmt: skip
    return 0


def export_final(args: argparse.Namespace) -> int:
    """``recist-review export PROJECT.db --final --user NAME``: the final measurement CSV."""
    if not args.user:
        print("recist-review: the final CSV holds adjudicated reads: sign in as the "
              "adjudicator or the study administrator (--user NAME)", file=sys.stderr)
        return 2
    return _guarded(_signed_in(_export_final))(args)


def _export_final(args: argparse.Namespace, desk: AdjudicationDesk) -> int:
    from reviewer_gui.review.outputs import write_final_csv

    done = write_final_csv(desk, args.output)
    for case_id, why in done.left_out.items():
        print(f"recist-review: {case_id} left out: {why}", file=sys.stderr)
    print(f"recist-review: final read of {len(done.final)} subject(s), {done.rows} row(s), "
          f"written to {args.output or 'standard output'}", file=sys.stderr)  # fmt: skip
    return 0
