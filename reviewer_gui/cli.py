"""The ``recist-review`` command line. ``export`` writes a reading project's measurements
as the contract's measurements CSV (``shared/spec/csv-contract.md`` input 1, with the
``reader`` column), ready for ``recist assess`` / ``recist endpoints``.

Exit status: 0 success; 2 bad usage or input (nothing written, an existing output file left
exactly as it was).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


class UsageError(ValueError):
    """A command-line problem; the message says how to fix it."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="recist-review", description="RECIST 1.1 reading projects of the reviewer app."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    export = commands.add_parser(
        "export", help="write the measurements CSV (contract input 1, with a reader column)"
    )
    export.add_argument("project", type=Path, help="reading project file (PROJECT.db)")
    export.add_argument("-o", "--output", type=Path, help="output CSV (default: stdout)")
    export.add_argument("--reader", help="only this reader's reads (default: every reader)")
    export.add_argument(
        "--include-unsigned",
        action="store_true",
        help="also write timepoints not signed yet (drafts); by default only signed ones",
    )
    export.set_defaults(handler=_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    from reviewer_gui.store import StoreError

    try:
        status: int = args.handler(args)
        return status
    except (StoreError, UsageError) as error:
        print(f"recist-review: {error}", file=sys.stderr)
        print("recist-review: nothing written", file=sys.stderr)
        return 2


def _export(args: argparse.Namespace) -> int:
    from reviewer_gui.engine_adapter import write_measurements_csv
    from reviewer_gui.store import Store

    with Store.open(args.project, create=False) as store:
        state = store.load()
    reads = [state.reads[key] for key in sorted(state.reads)]
    if args.reader is not None:
        known = sorted({key.reader for key in state.reads})
        reads = [read for read in reads if read.key.reader == args.reader]
        if not reads:
            raise UsageError(f"{args.project}: no read by reader {args.reader!r}; readers: "
                             f"{', '.join(known) or 'none yet'}")  # fmt: skip
    signed_only = not args.include_unsigned
    drafts = sum(1 for read in reads for tp in read.timepoints
                 if tp.label not in read.signatures
                 and any(label == tp.label for label, _ in read.observations))  # fmt: skip
    written = write_measurements_csv(args.output, reads, signed_only=signed_only)
    where = args.output or "standard output"
    print(f"recist-review: {written} row(s) of {len(reads)} read(s) written to {where}",
          file=sys.stderr)  # fmt: skip
    if drafts and signed_only:
        print(f"recist-review: {drafts} unsigned timepoint(s) with entries left out "
              "(--include-unsigned writes them too)", file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
