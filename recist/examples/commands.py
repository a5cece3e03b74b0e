"""``recist example reluth DIR``: write the example trial (40 subjects shaped like ReLUTH, seed
2026: the repository's ``examples/reluth/``) into DIR, so that an installed package can run the
README's quick start without the source tree. Both files appear together or not at all; an
existing file is never replaced."""

from __future__ import annotations

import argparse
from pathlib import Path

from recist.examples.generate_trial import write_trial
from recist.io.outputs import add_files

#: The example trials: name -> (subjects, seed), as committed under ``examples/NAME``.
EXAMPLES = {"reluth": (40, 2026)}
FILES = ("measurements.csv", "subjects.csv")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    example = commands.add_parser(
        "example", help="write an example trial (measurements.csv, subjects.csv) into a folder"
    )
    example.add_argument("name", choices=sorted(EXAMPLES), help="which example trial")
    example.add_argument("folder", type=Path, help="folder to write into (created if missing)")
    example.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write the example's files through ``recist.io.outputs.add_files`` (both or none)."""
    subjects, seed = EXAMPLES[args.name]
    counted: list[int] = []

    def write(staging: Path) -> None:
        counted.append(write_trial(staging, subjects, seed)[2])

    add_files(args.folder, FILES, write)  # an OutputError is exit 2 (recist.cli.main)
    print(f"wrote the {args.name} example trial ({subjects} subjects, {counted[0]} measurement "
          f"rows) to {args.folder / FILES[0]} and {args.folder / FILES[1]}")  # fmt: skip
    return 0
