"""Issue 14, section 1, properties: whichever slices are damaged, exactly the studies from
the first damaged one are kept out; any changed byte of any stored image is found."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer_gui.deid import IMAGES, import_studies

from .faults import image_check, rle_garbled, truncate
from .kit import HENRIETTA
from .kit import write_site_copy as site_copy

LABELS = ["BASELINE", "FU1", "FU2", "FU3"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    site_copy(root, HENRIETTA)
    return root


DAMAGES = {"truncated": truncate, "undecodable": rle_garbled}


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.dictionaries(st.tuples(st.integers(0, 3), st.integers(0, 19)),
                       st.sampled_from(sorted(DAMAGES)), max_size=3))
def test_damage_anywhere_keeps_out_exactly_the_studies_from_the_first_damaged_one(
    site: Path, tmp_path_factory: pytest.TempPathFactory,
    damaged: dict[tuple[int, int], str],
) -> None:
    """Property: whichever slices are damaged (each one way: a truncated file cannot also be
    re-encoded), the subject's studies before the first damaged one are imported, no other;
    the stored images verify; the re-send completes it."""
    root = tmp_path_factory.mktemp("damage")
    source = root / "site"
    shutil.copytree(site / HENRIETTA.folder, source / HENRIETTA.folder)
    studies = sorted((source / HENRIETTA.folder).iterdir())
    originals = {}
    for (study, slice_), kind in sorted(damaged.items()):
        victim = sorted(studies[study].iterdir())[slice_]
        originals[victim] = victim.read_bytes()
        DAMAGES[kind](victim)
    reading = root / "reading"
    report = import_studies(source, reading)
    first = min((study for study, _ in damaged), default=4)
    assert [s.label for s in report.imported] == LABELS[:first]
    assert len(report.incomplete) == (first < 4)
    assert image_check(reading)[:2] == (20 * first, ())
    for victim, good in originals.items():
        victim.write_bytes(good)
    again = import_studies(source, reading)
    assert [s.label for s in again.imported] == LABELS[first:] and again.incomplete == ()
    assert image_check(reading) == (80, (), ())


@pytest.fixture(scope="module")
def one_import(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    reading = tmp_path_factory.mktemp("one") / "reading"
    assert import_studies(site, reading).incomplete == ()
    return reading


@settings(max_examples=20, deadline=None)
@given(file=st.integers(0, 79), offset=st.integers(0), flip=st.integers(1, 255))
def test_any_changed_byte_of_any_stored_image_is_found(
    one_import: Path, file: int, offset: int, flip: int
) -> None:
    """Property: a change to any byte of any stored image file (header or pixels) is found
    as that file altered; put back, the images verify again."""
    victim = sorted((one_import / IMAGES).rglob("*.dcm"))[file]
    good = victim.read_bytes()
    changed = bytearray(good)
    changed[offset % len(good)] ^= flip
    victim.write_bytes(bytes(changed))
    try:
        _, problems, _ = image_check(one_import)
    finally:
        victim.write_bytes(good)
    assert len(problems) == 1
    assert problems[0].startswith(f"image file {victim.relative_to(one_import).as_posix()} "
                                  "was altered")  # fmt: skip
    assert image_check(one_import) == (80, (), ())
