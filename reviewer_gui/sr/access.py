"""Which reads a signed-in user may export as SRs: the CSV export's rules
(``reviewer_gui.review.Session.export``). A reader only their own read, the adjudicator and
the study administrator every read (``reader``: one reader's). Each export is an audit record
naming the files; the command line and the app both export through here."""

from __future__ import annotations

from pathlib import Path

from reviewer_gui.reading import ReadView
from reviewer_gui.review import NotPermitted, Role, Session
from reviewer_gui.sr.export import SrExport, write_srs


def session_reads(session: Session, reader: str | None = None) -> list[ReadView]:
    """The reads ``session``'s user may export (``NotPermitted`` for a reader asking for
    another reader's)."""
    if session.role is Role.READER:
        if reader not in (None, session.user):
            raise NotPermitted(f"{session.user} cannot export {reader}'s reads: a reader "
                               "exports only their own")  # fmt: skip
        return [session.read(case_id) for case_id in session.case_ids]
    state = session._store.load()
    return [state.reads[key] for key in sorted(state.reads)
            if reader is None or key.reader == reader]  # fmt: skip


def write_session_srs(
    session: Session, folder: Path, *, reader: str | None = None, images_base: Path | str
) -> SrExport:
    """Write the SRs of the reads ``session`` may export into ``folder``; audited."""
    done = write_srs(session_reads(session, reader), folder, images_base=images_base)
    session._store.log_action("export-sr", session.user, after={"export": [{
        "folder": str(folder), "files": [p.name for p in done.files],
        "reads": list(done.reads)}]})  # fmt: skip
    return done
