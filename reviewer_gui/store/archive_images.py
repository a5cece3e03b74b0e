"""A project's image files on its reading archive, checked against the SHA-256 recorded at import.

When a project's images live in a DICOMweb archive (``reviewer_gui.store.image_folder``), each
timepoint's recorded files (``image_file`` / ``image_update``, as for a folder) are compared
with what the archive sends for the timepoint's study: every file is fetched as stored
(WADO-RS ``transfer-syntax=*``; Orthanc sends the bytes it received) and hashed. Over DICOMweb
a file has no path, so the check is by content: a recorded file whose (size, SHA-256) the
archive does not send is missing or altered (one finding each), a file the archive sends
that no recorded one matches is extra. The checker uses its own credentials (URL,
environment or netrc), like a reader; a study the archive refuses or cannot send is a finding.
"""

from __future__ import annotations

from collections import Counter

from reviewer_gui.pacs.archive import ArchiveError, study_digests
from reviewer_gui.store.audit import Database
from reviewer_gui.store.images import ImageFile, ImageReport, recorded_sets


def check_archive(db: Database, url: str) -> ImageReport:
    """Compare every timepoint's recorded files with the archive's copy of its study."""
    sets = recorded_sets(db)
    studies = {(case_id, label): study for case_id, label, study in db.execute(
        "SELECT case_id, label, study_uid FROM timepoint WHERE study_uid IS NOT NULL")}
    problems: list[str] = []
    checked = 0
    for key, files in sorted(sets.items()):
        study = studies.get(key)
        if study is None:
            continue
        checked += len(files)
        problems += _study_problems(url, key, study, list(files.values()))
    return ImageReport(checked, tuple(problems), ())


def _study_problems(url: str, key: tuple[str, str], study: str,
                    files: list[ImageFile]) -> list[str]:
    where = f"study {key[0]} {key[1]} ({study}) on the archive {url}"
    try:
        held = Counter((d.size, d.sha256) for d in study_digests(url, study))
    except ArchiveError as error:
        return [f"{where} could not be checked: {error}"]
    recorded = Counter((f.size, f.sha256) for f in files)
    problems = [f"image file {f.path} is missing or altered in {where} (recorded "
                f"{f.size} bytes, SHA-256 {f.sha256[:12]}...)"
                for f in sorted(files, key=lambda f: f.path)
                if held[(f.size, f.sha256)] < recorded[(f.size, f.sha256)]]
    extra = sum((held - recorded).values())
    if extra:
        problems.append(f"{where} holds {extra} file(s) that no recorded image matches "
                        "(added or altered there after the import)")
    return problems
