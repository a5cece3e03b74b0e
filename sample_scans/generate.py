"""Rewrite this folder's sample scans: ``python sample_scans/generate.py [--out DIR]``.

The generator is ``reviewer_gui.sample_scans.generator`` (installed with the package, which
makes the demo's copy from it); same seed, same bytes.
"""

import sys
from pathlib import Path

from reviewer_gui.sample_scans.generator import main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:], default_out=Path(__file__).resolve().parent))
