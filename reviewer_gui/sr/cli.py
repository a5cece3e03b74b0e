"""``recist-review export PROJECT --sr DIR``: every signed timepoint read as a DICOM SR (a
project file, or a PostgreSQL URL: its images are in the project's recorded image folder).
Refusals raise :class:`~reviewer_gui.sr.SrExportError` (the command says it, exit 2).

The access rules of the CSV export: in a project without users every read (``--reader R``:
one reader's); in a blinded review the user signs in (``--user``) and a reader exports their
own read only, the adjudicator and the study administrator every read (or ``--reader``'s);
``--final`` writes the final read of each subject (adjudicator or administrator). Each
export in a blinded review is an audit record naming the files.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer_gui.reading import ReadKey, ReadView
from reviewer_gui.sr.export import SrExport, SrExportError, write_srs

if TYPE_CHECKING:
    from reviewer_gui.review.adjudication import AdjudicationDesk
    from reviewer_gui.store import ProjectStore


def export_sr(args: argparse.Namespace) -> int:
    """The ``--sr`` branch of ``recist-review export`` (``args`` as its parser makes them):
    into a folder, or (``--sr URL``) with STOW-RS into a DICOMweb archive."""
    from reviewer_gui.store.image_folder import is_archive

    if not is_archive(str(args.sr)):
        args.sr = Path(args.sr)
        return _export_sr(args)
    from reviewer_gui.pacs.archive import archive_url

    destination = str(args.sr)
    shown = archive_url(destination)
    with tempfile.TemporaryDirectory(prefix="recist-sr-") as staging:
        args.sr = Path(staging)
        args.sr_archive = (destination, shown)  # sent (and said) once written, by _send
        return _export_sr(args)


def _send(args: argparse.Namespace, done: SrExport, store: ProjectStore, actor: str, *,
          action: str = "send-sr", final: bool = False) -> None:
    """With ``--sr URL``: STOW-RS the SRs just written, then an audit record ``action`` (by
    ``actor``, in the project's ``store``: the signed-in session's on a server) naming the
    archive and the files (and, ``final``, the final reads)."""
    if getattr(args, "sr_archive", None) is None or not done.files:
        return
    from reviewer_gui.pacs.archive import ArchiveError, store_files

    destination, shown = args.sr_archive
    files = list(done.files)
    try:
        store_files(destination, files, f"{len(files)} SR file(s)")
    except ArchiveError as error:
        raise SrExportError(f"{error}; no SR was kept (export again)") from None
    record: dict[str, object] = {"archive": shown, "files": [p.name for p in files]}
    if final:
        record["final"] = list(done.reads)
    store.log_action(action, actor, after={"export": [record]})
    print(f"recist-review: {len(files)} SR file(s) sent to {shown} (STOW-RS)", file=sys.stderr)


def _images(store: ProjectStore) -> Path | str:
    """Where the project's images are: a project file's folder, a recorded folder, or its
    archive (a PostgreSQL project's recorded location; the SRs are written from them)."""
    from reviewer_gui.store.image_folder import images_location

    where = images_location(store)
    if where is None:
        raise SrExportError(f"{store.location}: the project records no image folder, and the "
                            "SRs are written from the images: record it first (recist-review "
                            "images URL DIR --admin NAME)")  # fmt: skip
    return where


def _export_sr(args: argparse.Namespace) -> int:
    from reviewer_gui.store import Store

    if args.output is not None or args.include_unsigned:
        raise SrExportError("--sr writes the signed timepoints as SR files into a folder: leave "
                         "out -o and --include-unsigned (the CSV export's options)")
    if args.sr.exists() and not args.sr.is_dir():
        raise SrExportError(f"{args.sr}: not a folder; --sr names the folder the SRs go into")
    if isinstance(args.project, str):  # a PostgreSQL URL: always a blinded review
        state, has_users, images = None, True, None
    else:
        with Store.open(args.project, create=False) as store:
            state, has_users = store.load(), bool(store.users())
            images = None if has_users else _images(store)
    if args.final:
        if not has_users:
            raise SrExportError(f"{args.project}: --final needs a blinded review (a project with "
                             "users, two readers and an adjudicator)")  # fmt: skip
        if not args.user:
            raise SrExportError("the final SRs hold adjudicated reads: sign in as the adjudicator "
                             "or the study administrator (--user NAME)")
        from reviewer_gui.review.adjudication_cli import _signed_in as with_desk
        from reviewer_gui.review.cli import _guarded

        return _guarded(with_desk(_final))(args)
    if has_users:
        from reviewer_gui.review.cli import _guarded

        return _guarded(_signed_in)(args)
    assert state is not None and images is not None
    reads = [state.reads[key] for key in sorted(state.reads)]
    if args.reader is not None:
        known = sorted({key.reader for key in state.reads})
        reads = [read for read in reads if read.key.reader == args.reader]
        if not reads:
            raise SrExportError(f"{args.project}: no read by reader {args.reader!r}; readers: "
                             f"{', '.join(known) or 'none yet'}")  # fmt: skip
    try:
        done = write_srs(reads, args.sr, images_base=images)
    except ValueError as error:  # images missing, files in the way
        raise SrExportError(str(error)) from None
    with Store.open(args.project, create=False) as store:
        _send(args, done, store, args.user or "export")
    return _report(done, args)


def _signed_in(args: argparse.Namespace) -> int:
    from reviewer_gui.review.cli import exporting_session
    from reviewer_gui.sr.access import write_session_srs

    with exporting_session(args) as session:
        done = write_session_srs(session, args.sr, reader=args.reader,
                                 images_base=_images(session._store))  # fmt: skip
        _send(args, done, session._store, session.user)
    return _report(done, args)


def _final(args: argparse.Namespace, desk: AdjudicationDesk) -> int:
    state = desk.state()
    reads: list[ReadView] = []
    for review in desk.cases():
        if review.final_reader is None:
            print(f"recist-review: {review.case_id} left out: {review.status.value}: "
                  f"{review.note}", file=sys.stderr)  # fmt: skip
            continue
        reads.append(state.reads[ReadKey(review.case_id, review.final_reader)])
    store, user = desk.session._store, desk.session.user
    done = write_srs(reads, args.sr, images_base=_images(store))
    if getattr(args, "sr_archive", None) is not None:  # the record names the archive, once sent
        _send(args, done, store, user, action="export-final-sr", final=True)
        return _report(done, args)
    store.log_action("export-final-sr", user, after={"export": [{
        "folder": str(args.sr), "files": [p.name for p in done.files],
        "final": list(done.reads)}]})  # fmt: skip
    return _report(done, args)


def _report(done: SrExport, args: argparse.Namespace) -> int:
    folder = args.sr
    if getattr(args, "sr_archive", None) is not None:  # said as sent, by _send
        return 0
    print(f"recist-review: {len(done.files)} SR file(s) of {len(done.reads)} read(s) written "
          f"to {folder}", file=sys.stderr)  # fmt: skip
    return 0


def load_srs_command(args: argparse.Namespace) -> int:
    """``recist-review sr-load`` (its parser is ``reviewer_gui.cli``'s)."""
    from reviewer_gui.engine_adapter import RecistEngine
    from reviewer_gui.review import sign_in
    from reviewer_gui.review.cli import _audit_key, _passwords
    from reviewer_gui.sr.assignments import read_assignments
    from reviewer_gui.sr.migrate import load_srs

    if isinstance(args.project, Path):
        from reviewer_gui.store import Store

        if not args.project.is_file():
            raise ValueError(f"{args.project}: no such reading project")
        with Store.open(args.project, create=False) as store:
            if not store.users():
                raise ValueError(f"{args.project}: a project without users: sr-load is the "
                                 "study administrator's (recist-review users add PROJECT NAME "
                                 "--role administrator, then the readers)")  # fmt: skip
    assignments = read_assignments(args.lesions) if args.lesions else {}
    password = next(_passwords(args))
    with sign_in(args.project, args.admin, password, engine=RecistEngine(),
                 audit_key=_audit_key(args)) as session:  # fmt: skip
        done = load_srs(session, args.reader, args.files, assignments=assignments)
    for loaded in done:
        print(f"recist-review: {loaded.file.name} loaded into {loaded.key.reader}'s draft read "
              f"of {loaded.key.case_id} {loaded.timepoint} ({len(loaded.lesions)} lesion(s)); "
              f"{loaded.key.reader} reviews and signs it", file=sys.stderr)  # fmt: skip
        if loaded.to_measure:
            print(f"recist-review: {', '.join(loaded.to_measure)}: the SR's values have no end "
                  f"points on an image: {loaded.key.reader} measures them", file=sys.stderr)
    return 0
