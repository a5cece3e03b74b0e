"""Write reads as DICOM SR files into a folder: one file per signed timepoint of each read,
named ``CASE_READER_NN-LABEL_SR.dcm`` (NN: the timepoint's place in the subject's
schedule), all built before the first is written, never over an existing file."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import ReadView
from reviewer_gui.sr.images import SeriesHeaders
from reviewer_gui.sr.writer import timepoint_sr

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class SrExportError(ValueError):
    """The SRs cannot be written; the message says how to fix it. Nothing was written."""


@dataclass(frozen=True, slots=True)
class SrExport:
    """The files written (in read, then timepoint order) and the reads they came from."""

    files: tuple[Path, ...]
    reads: tuple[str, ...]  # CASE/READER of every read with at least one signed timepoint


def sr_name(read: ReadView, label: str) -> str:
    """The file name of a read's timepoint SR: subject, reader, timepoint."""
    index = [tp.label for tp in read.timepoints].index(label) + 1
    parts = (read.key.case_id, read.key.reader, f"{index:02d}-{label}")
    return "_".join(_UNSAFE.sub("-", part) for part in parts) + "_SR.dcm"


def write_srs(reads: Iterable[ReadView], folder: Path, *,
              images_base: Path | str) -> SrExport:
    """Write every signed timepoint of ``reads`` as an SR into ``folder`` (created if
    missing). ``images_base``: the folder the project's series folders are relative to (the
    project database's, or a recorded one) or the URL of its reading archive."""
    headers, engine = SeriesHeaders(images_base), RecistEngine()
    planned = []
    names: list[str] = []
    for read in reads:
        signed = [tp for tp in read.timepoints if tp.label in read.signatures]
        if not signed:
            continue
        names.append(f"{read.key.case_id}/{read.key.reader}")
        columns = {column.label: column for column in engine.grid(read).columns}
        for tp in signed:
            with warnings.catch_warnings():  # highdicom on one-component names (a pseudonym)
                warnings.filterwarnings("ignore", "The string .* person name", UserWarning)
                planned.append((sr_name(read, tp.label),
                                timepoint_sr(read, tp.label, columns[tp.label], headers)))
    there = [name for name, _ in planned if (folder / name).exists()]
    if there:
        raise SrExportError(f"{folder}: {len(there)} SR file(s) already there (e.g. {there[0]}):"
                            " export into an empty folder, or move them away first")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".sr-", dir=folder))
    except OSError as error:
        raise SrExportError(f"{folder}: cannot write there ({error.strerror})") from None
    try:
        for name, dataset in planned:
            dataset.save_as(staging / name, enforce_file_format=True)
        for name, _ in planned:
            os.replace(staging / name, folder / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return SrExport(tuple(folder / name for name, _ in planned), tuple(names))
