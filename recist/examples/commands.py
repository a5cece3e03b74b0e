"""``recist example reluth DIR``: write the example trial (40 subjects shaped like ReLUTH, seed
2026: the repository's ``examples/reluth/``) into DIR, so that an installed package can run the
README's quick start without the source tree. Both files appear together or not at all; an
existing file is never replaced."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from recist.examples.generate_trial import write_trial

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
    folder: Path = args.folder
    problem = _problem(folder)
    if problem is not None:
        print(f"recist: {problem}; nothing written", file=sys.stderr)
        return 2
    subjects, seed = EXAMPLES[args.name]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=".example-", dir=folder))
    except OSError as error:
        print(f"recist: {folder}: cannot write there ({error.strerror}); choose a folder you "
              "can write to; nothing written", file=sys.stderr)  # fmt: skip
        return 2
    try:
        _, _, rows = write_trial(building, subjects, seed)
        for name in FILES:
            os.link(building / name, folder / name)  # fails, touching nothing, if one exists
    except OSError as error:
        for name in FILES:
            if (folder / name).exists() and os.path.samefile(folder / name, building / name):
                (folder / name).unlink()
        print(f"recist: {folder}: cannot write the example there ({error.strerror}); "
              "nothing written", file=sys.stderr)  # fmt: skip
        return 2
    finally:
        shutil.rmtree(building, ignore_errors=True)
    print(f"wrote the {args.name} example trial ({subjects} subjects, {rows} measurement rows) "
          f"to {folder / FILES[0]} and {folder / FILES[1]}")  # fmt: skip
    return 0


def _problem(folder: Path) -> str | None:
    if folder.exists() and not folder.is_dir():
        return f"{folder} is not a folder; give a folder to write the example into"
    existing = [str(folder / name) for name in FILES if (folder / name).exists()]
    if existing:
        verb = "already exists" if len(existing) == 1 else "already exist"
        return f"{' and '.join(existing)} {verb}; give an empty or a new folder"
    return None
