"""``recist sdtm-import`` and ``recist export sdtm-rs|adrs|adtte|adtr|adsl|define`` (CDISC in
and out).

Registered through ``recist.cli.COMMAND_MODULES``; pandas and pyreadstat are imported only
when a ``.xpt`` file is read or written.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path

from recist.cdisc.datasets import OutputDataset, read_dataset
from recist.cdisc.dates import Imputation
from recist.cdisc.parameters import Parameter, parameters, parse_parameter
from recist.cdisc.reads import DEFAULT_EVALUATOR
from recist.cdisc.sdtm_import import ImportedRow, import_tumor_results
from recist.cli import add_endpoint_options, endpoint_options
from recist.io.table import Table
from recist.io.writers import write_csv

EXPORTS = ("sdtm-rs", "adrs", "adtte", "adtr", "adsl", "define")


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``sdtm-import`` and ``export`` to the ``recist`` command line."""
    sdtm = commands.add_parser(
        "sdtm-import",
        help="SDTM TU + TR (CSV or .xpt) to a measurements CSV",
        description="Convert SDTM TU + TR (CSV or SAS transport .xpt) to a measurements CSV "
        "(the contract's input 1), one row per lesion per visit per read.",
    )
    sdtm.add_argument("tu", type=Path, help="TU dataset (.csv or .xpt)")
    sdtm.add_argument("tr", type=Path, help="TR dataset (.csv or .xpt)")
    sdtm.add_argument("-o", "--output", type=Path, help="measurements CSV (default: stdout)")
    sdtm.add_argument(
        "--impute-dates",
        choices=[i.value for i in Imputation],
        help="impute partial TRDTC within the month (or year) instead of stopping; adds the "
        "columns date_imputed (Y/N) and sdtm_dtc",
    )
    sdtm.set_defaults(handler=_sdtm_import)

    export = commands.add_parser(
        "export",
        help="SDTM RS, ADaM ADRS, ADTTE, ADTR or ADSL from measurements or responses, or their "
        "define.xml",
        description="Write SDTM RS (per-visit responses), ADaM ADRS, ADaM ADTTE (RPFS, TTP, OS, "
        "DOR, TTR) or ADaM ADTR (sum of diameters, change from baseline and nadir) as "
        "CSV, or as SAS transport v5 when -o ends in .xpt. ADRS has admiralonco's parameters, per "
        "read: OVR (per visit), BOR and CBOR (best overall response, unconfirmed and confirmed), "
        "PD (disease progression), RSP (response, confirmation not required), CB (clinical "
        "benefit), BCP and CBCP (best response CR/PR), CRSP (confirmed response), LSTA (last "
        "disease assessment), DEATH (per subject, when --subjects has a death_date column), "
        "CCB (confirmed clinical benefit), MDIS (measurable disease at baseline) and DCR6M "
        "(disease control at the landmark). ADSL: one record per subject of --subjects, with the "
        "per-protocol flag and reasons of recist report. define: the define.xml 2.1 of every "
        "dataset the same options export (ADSL when --subjects has the --arm-column), -o a .xml "
        "file.",
    )
    export.add_argument("dataset", choices=EXPORTS, help="which dataset to write")
    export.add_argument("file", type=Path, help="measurements CSV, or a responses CSV")
    export.add_argument("--subjects", type=Path, help="subjects CSV (randomization, death...)")
    export.add_argument("-o", "--output", type=Path, help="output .csv or .xpt (default: stdout)")
    export.add_argument("--study-id", help="STUDYID (default: the input's study_id column)")
    export.add_argument("--reader", help="keep only this read (reader or evaluator)")
    export.add_argument(
        "--evaluator", default=DEFAULT_EVALUATOR, metavar="RSEVAL",
        help="RSEVAL of reads whose input names no evaluator (default INDEPENDENT ASSESSOR; "
        "the reader is then RSEVALID)",
    )  # fmt: skip
    export.add_argument(
        "--parameter",
        action="append",
        default=[],
        type=_parameter,
        metavar="ENDPOINT=PARAMCD[:PARAM]",
        help="ADTTE: the PARAMCD (and PARAM) of an endpoint, rpfs, pfs, os, dor or ttr "
        "(defaults: rpfs=RPFS, pfs=TTP 'Time to progression (the protocol's PFS: progression "
        "only)', os=OS, dor=DOR, ttr=TTR); PFS is refused for pfs, which censors deaths",
    )
    adsl = export.add_argument_group(
        "adsl",
        "ADSL: one record per subject of --subjects; the optional subjects-file columns "
        "actual_arm (ACTARM, TRT01A, also in ADRS, ADTTE and ADTR), treatment_start_date "
        "(TRTSDT, SAFFL), treatment_end_date (TRTEDT), age, sex and race add their variables",
    )
    adsl.add_argument(
        "--arm-column", default="arm", metavar="COL",
        help="the subjects-file column of the randomized arm (ADSL ARM; TRT01P in ADSL, and in "
        "ADRS, ADTTE and ADTR when the column exists, which then need every measured subject "
        "in --subjects with an arm)",
    )  # fmt: skip
    adsl.add_argument(
        "--strata", nargs="+", default=[], metavar="COL",
        help="stratification factors (subjects-file columns), written STRAT1R, STRAT2R...",
    )  # fmt: skip
    adsl.add_argument(
        "--pp-evaluations", type=_at_least_one, default=2, metavar="N",
        help="post-baseline adequate evaluations the per-protocol population needs (default 2)",
    )  # fmt: skip
    add_endpoint_options(export)
    export.set_defaults(handler=_export, parser=export)


def _at_least_one(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}': give a whole number, 1 or more")
    return int(text)


def _parameter(text: str) -> tuple[str, Parameter]:
    try:
        return parse_parameter(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _sdtm_import(args: argparse.Namespace) -> int:
    from recist.cdisc.sdtm_import import TR_COLUMNS, TR_USED, TU_COLUMNS, TU_USED

    imputation = Imputation(args.impute_dates) if args.impute_dates else None
    tu = read_dataset(args.tu, TU_COLUMNS, TU_USED)
    tr = read_dataset(args.tr, TR_COLUMNS, TR_USED)
    rows = import_tumor_results(tu, tr, imputation)
    header, lines = measurement_table(rows, with_imputation=imputation is not None)
    write_csv(args.output, header, lines)
    return 0


def measurement_table(
    rows: list[ImportedRow], *, with_imputation: bool
) -> tuple[list[str], Iterable[list[str]]]:
    """The measurements CSV of imported rows: the contract's columns, then the extra ones."""
    with_reader = any(r.measurement.reader is not None for r in rows)
    header = ["subject_id", "timepoint", "date", "lesion_id", "category", "location", "is_node"]
    header += ["long_axis_mm", "short_axis_mm", "state", "fragment"]
    if with_reader:
        header.insert(1, "reader")
    if with_imputation:
        header += ["date_imputed", "sdtm_dtc"]
    header += ["study_id", "visitnum", "evaluator"]
    with_link_group = any(r.link_group for r in rows)
    if with_link_group:
        header.append("lnkgrp")

    def line(row: ImportedRow) -> list[str]:
        m = row.measurement
        values = [m.subject_id, m.timepoint, m.date.isoformat(), m.lesion_id, m.category.value]
        values += [m.location, "Y" if m.is_node else "N"]
        values += [_mm(m.long_axis_mm), _mm(m.short_axis_mm), m.state.value, m.fragment]
        if with_reader:
            values.insert(1, m.reader or "")
        if with_imputation:
            values += ["Y" if row.date.imputed else "N", row.date.text]
        values += [row.study_id, row.visitnum, row.evaluator]
        return [*values, row.link_group] if with_link_group else values

    return header, (line(r) for r in rows)


def _mm(value: object) -> str:
    return "" if value is None else str(value)


def _export(args: argparse.Namespace) -> int:
    from recist.cdisc.datasets import write_dataset

    if args.dataset == "define":
        return _define(args)
    write_dataset(_dataset(args, args.dataset), args.output)
    return 0


def _dataset(args: argparse.Namespace, kind: str) -> OutputDataset:
    from recist.cdisc.exports import build

    if kind == "adsl":
        return _adsl(args)
    try:
        chosen = parameters(dict(args.parameter))
    except ValueError as error:
        args.parser.error(f"--parameter: {error}")
    return build(
        kind,
        args.file,
        subjects=args.subjects,
        study_id=args.study_id,
        reader=args.reader,
        options=endpoint_options(args),
        parameters=chosen,
        arm_column=args.arm_column,
        evaluator=args.evaluator,
    )


def _define(args: argparse.Namespace) -> int:
    from recist.cdisc.define import write_define

    if args.output is None or args.output.suffix.lower() != ".xml":
        args.parser.error("define needs -o FILE.xml (the define.xml to write)")
    with_adsl = False
    if args.subjects is not None:
        table = Table(args.subjects, ())
        table.close()
        with_adsl = table.has(args.arm_column.strip().lower())
    kinds = [k for k in EXPORTS if k != "define" and (k != "adsl" or with_adsl)]
    write_define([_dataset(args, kind) for kind in kinds], args.output)
    return 0


def _adsl(args: argparse.Namespace) -> OutputDataset:
    from recist.cdisc.adsl import adsl

    if args.subjects is None:
        args.parser.error("adsl needs --subjects (one record per subject of that file)")
    return adsl(
        args.file,
        args.subjects,
        study_id=args.study_id,
        arm_column=args.arm_column,
        strata=args.strata,
        reader=args.reader,
        options=endpoint_options(args),
        min_evaluations=args.pp_evaluations,
    )
