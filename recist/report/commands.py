"""The ``recist report`` command (plugged into ``recist.cli`` through ``COMMAND_MODULES``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _at_least_one(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text}: give 1 or more evaluations")
    return value


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``recist report`` to the command line."""
    from recist.cli import add_endpoint_options

    report = commands.add_parser(
        "report",
        help="trial report: DCR, best response, rPFS/PFS by arm, figures (HTML + CSV)",
        description=(
            "The randomized trial's analysis for the ITT and per-protocol populations: disease "
            "control at the landmark and objective response per arm (exact 95 % CI), the "
            "difference between arms, best overall response, rPFS and PFS Kaplan-Meier curves "
            "with the stratified log-rank test; writes report.html and the CSV tables to DIR."
        ),
    )
    report.add_argument("file", type=Path, help="measurements CSV (contract input 1)")
    report.add_argument(
        "--subjects",
        type=Path,
        required=True,
        help="subjects CSV: every randomized subject, with randomization_date and arm",
    )
    report.add_argument(
        "--strata",
        nargs="+",
        default=[],
        metavar="COL",
        help="subjects-file columns of the stratification factors (stratified log-rank, HR)",
    )
    report.add_argument(
        "--arm-column", default="arm", metavar="COL", help="subjects-file column of the arm"
    )
    report.add_argument(
        "--arms",
        nargs="+",
        default=[],
        metavar="ARM",
        help="arm order: differences and hazard ratios are of the first against the second "
        "(default: alphabetical)",
    )
    report.add_argument(
        "--reader", help="analyse this reader's reads (needed when subjects have several)"
    )
    report.add_argument(
        "--pp-evaluations",
        type=_at_least_one,
        default=2,
        metavar="N",
        help="post-baseline adequate evaluations the per-protocol population needs (default 2)",
    )
    report.add_argument(
        "--protocol",
        type=Path,
        metavar="FILE",
        help="protocol settings (TOML): study id, data cut-off, primary test, alpha, "
        "sample-size assumptions, assessment interval (default: the ReLUTH protocol's)",
    )
    report.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    add_endpoint_options(report)
    report.set_defaults(handler=run, output_kind="folder")


def run(args: argparse.Namespace) -> int:
    """Handler of ``recist report``: heavy imports happen here, not at registration."""
    from recist.cli import endpoint_options
    from recist.io.table import InputProblem, InvalidInput
    from recist.report.analysis import AnalysisError, ArmOrderError, analyse_trial
    from recist.report.inputs import load_trial
    from recist.report.render import render_report
    from recist.report.settings import DEFAULT_SETTINGS, check_cutoff, read_settings

    settings = DEFAULT_SETTINGS if args.protocol is None else read_settings(args.protocol)
    subjects = load_trial(
        args.file,
        args.subjects,
        arm_column=args.arm_column,
        strata_columns=args.strata,
        reader=args.reader,
        options=endpoint_options(args),
        min_evaluations=args.pp_evaluations,
    )
    if args.protocol is not None:
        check_cutoff(settings, args.protocol, subjects)
    try:
        analysis = analyse_trial(
            subjects,
            arms=args.arms,
            strata_columns=args.strata,
            options=endpoint_options(args),
            min_evaluations=args.pp_evaluations,
            settings=settings,
        )
    except ArmOrderError as error:
        column = args.arm_column.strip().lower()
        raise InvalidInput([InputProblem(str(args.subjects), 1, column, str(error))]) from None
    except AnalysisError as error:
        print(f"recist report: {error}; nothing written", file=sys.stderr)
        return 2
    files = render_report(analysis, title=f"Measurements: {args.file.name}.")
    write_files(args.output, files)
    return 0


def write_files(directory: Path, files: dict[str, bytes]) -> None:
    """Make ``directory`` hold the report's files, all at once: written into a temporary folder
    beside it, then swapped in (``recist.io.outputs.replace_folder``)."""
    from recist.io.outputs import replace_folder

    replace_folder(directory, files)
