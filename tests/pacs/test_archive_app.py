"""The app on a project whose images are in a reading archive (a real Orthanc): the reader's window
loads prior and current from it with the reader's own credentials, first image first, measuring
only once the series is complete; a lost connection is said in the view and retried."""

from __future__ import annotations

import io
import os
import shutil

if not os.environ.get("QT_QPA_PLATFORM"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

from pathlib import Path

import numpy as np
import pydicom
import pytest
from app.adjudication_kit import open_window, read_case
from app.helpers import ready
from app.review_kit import PASSWORDS, PATIENTS, ROLES, open_as, read_timepoint, samples
from deid.kit import write_site_copy
from orthanc_kit import PASSWORD, USER, Orthanc
from pytestqt.qtbot import QtBot

from reviewer_gui.cli import main
from reviewer_gui.deid import PROJECT_DB
from reviewer_gui.dicom import SeriesCache, Volume, load_series
from reviewer_gui.qt import remote_loading
from reviewer_gui.qt.app import open_signed_in
from reviewer_gui.qt.main_window import MainWindow
from reviewer_gui.qt.remote_loading import open_remote_series
from reviewer_gui.reading import ReadKey
from reviewer_gui.review import Role, add_user
from reviewer_gui.store import Store


def archive_study(root: Path, orthanc: Orthanc) -> Path:
    """Both patients imported with their images into the archive, users added."""
    for patient in PATIENTS:
        write_site_copy(root / "site", patient)
    assert main(["import", str(root / "site"), str(root / "reading"), "--images",
                 orthanc.url_with_credentials]) == 0
    path = root / "reading" / PROJECT_DB
    with Store.open(path, create=False) as store:
        admin = add_user(store, "ada", Role.ADMINISTRATOR, PASSWORDS["ada"], by=None)
        for name, role in ROLES.items():
            add_user(store, name, role, PASSWORDS[name], by=admin)
    return path


@pytest.fixture
def reader_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The reader's own archive credentials and cache (never the project's)."""
    monkeypatch.setenv("RECIST_REVIEW_DICOMWEB_USER", USER)
    monkeypatch.setenv("RECIST_REVIEW_DICOMWEB_PASSWORD", PASSWORD)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "reader-cache"))


def test_the_readers_window_loads_prior_and_current_from_the_archive(
        qtbot: QtBot, own_orthanc: Orthanc, tmp_path: Path, reader_env: None,
        cache: SeriesCache) -> None:
    path = archive_study(tmp_path, own_orthanc)
    assert not (path.parent / "images").exists()
    window = open_as(qtbot, path, "alice")
    session = window.session
    assert session.case_id is not None and session.timepoint == "BASELINE"
    read_timepoint(window, samples(path)[session.case_id])  # on the archive's images
    window.session.project.sign(ReadKey(session.case_id, "alice"), "BASELINE", name="alice",
                                password=PASSWORDS["alice"],
                                meaning="Reviewed and approved as read")  # fmt: skip
    session.go(session.case_id, "FU1")  # FU1 beside its prior, the baseline
    qtbot.waitUntil(lambda: ready(window), timeout=30_000)
    views = window.views
    assert views.current is not None and views.prior is not None
    tree_series = session.series_list(session.current())  # the study tree, from QIDO-RS
    assert len(tree_series) == 1 and tree_series[0].n_images == 20
    for view in views.views():
        assert view.viewport.measuring  # complete: measuring on
        volume = view.volume
        here = load_series(own_orthanc.url, series_uid=volume.series_uid, cache=cache)
        assert np.array_equal(volume.voxels, here.voxels)
        assert volume.sop_instance_uids == here.sop_instance_uids
    assert views.current.volume.series_uid != views.prior.volume.series_uid
    window.close()


def test_first_image_first_and_no_measuring_until_complete(
        qtbot: QtBot, own_orthanc: Orthanc, tmp_path: Path, reader_env: None) -> None:
    path = archive_study(tmp_path, own_orthanc)
    with Store.open(path, create=False) as store:
        ref = next(iter(store.load().subjects.values()))[0].series
    assert ref is not None
    seen: list[tuple[str, int, bool, str]] = []
    view = open_remote_series(own_orthanc.url, ref.series_uid, title="CURRENT")
    qtbot.addWidget(view)
    worker = view.remote.worker  # type: ignore[attr-defined]

    def note(what: str) -> None:
        seen.append((what, view.volume.shape[0], view.viewport.measuring,
                     view.status[0] if view.status else ""))

    worker.first.connect(lambda _: note("first"))  # after the view's own handler
    worker.progress.connect(lambda *_: note("progress"))
    worker.loaded.connect(lambda _: note("loaded"))
    qtbot.waitUntil(lambda: bool(seen) and seen[-1][0] == "loaded", timeout=30_000)
    first = seen.index(next(s for s in seen if s[0] == "first"))
    assert seen[first][1:3] == (1, False)  # one image shown, measuring off
    before = [s for s in seen[:-1] if s[0] == "progress"]
    assert before and all(not measuring for _, _, measuring, _ in before)
    assert all("measuring once all are here" in text for *_, text in before)
    assert before[-1][3].startswith("Loading 20 of 20 images")
    assert seen[-1][1:] == (20, True, "")


def test_a_lost_connection_is_said_and_retried(
        qtbot: QtBot, own_orthanc: Orthanc, tmp_path: Path, reader_env: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = archive_study(tmp_path, own_orthanc)
    with Store.open(path, create=False) as store:
        ref = next(iter(store.load().subjects.values()))[-1].series
    assert ref is not None
    monkeypatch.setattr(remote_loading, "RETRY_S", 0.3)
    own_orthanc.stop()
    view = open_remote_series(own_orthanc.url, ref.series_uid, title="CURRENT")
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.status is not None and "attempt 2" in view.status[0],
                    timeout=30_000)
    qtbot.waitUntil(lambda: view.status is not None
                    and view.status[0].startswith("Lost the connection"), timeout=30_000)
    text = view.status[0]
    assert "retrying every 0.3 s; your read is saved" in text and "cannot be reached" in text
    assert not view.viewport.measuring and view.volume.shape[0] == 1
    own_orthanc.start()  # the archive is back (same ports, same storage)
    qtbot.waitUntil(lambda: view.volume.shape[0] == 20, timeout=30_000)
    assert view.status is None and view.viewport.measuring
    assert isinstance(view.volume, Volume)


def test_a_reader_without_the_archives_password_is_told_in_the_view(
        qtbot: QtBot, own_orthanc: Orthanc, tmp_path: Path, reader_env: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The project holds no archive credentials: a reader without their own is refused by
    the archive, and the view says so (no retry: it is not a lost connection)."""
    path = archive_study(tmp_path, own_orthanc)
    assert PASSWORD.encode() not in path.read_bytes()
    monkeypatch.delenv("RECIST_REVIEW_DICOMWEB_PASSWORD")
    window = open_as_unready(qtbot, path, "bob")
    qtbot.waitUntil(lambda: window.views.current is not None and window.views.current.status
                    is not None and "HTTP 401" in window.views.current.status[0],
                    timeout=30_000)
    assert not ready(window)
    window.close()


def open_as_unready(qtbot: QtBot, path: Path, name: str) -> MainWindow:

    window = open_signed_in(path, name, PASSWORDS[name])
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_adjudicators_window_shows_each_readers_calipers_on_the_archives_images(
        qtbot: QtBot, own_orthanc: Orthanc, tmp_path: Path, reader_env: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Both readers read on local copies of the same de-identified files (a folder import
    with the same key: the same UIDs); the adjudicator's panes load them from the archive."""
    path, case = adjudication_study(tmp_path, own_orthanc)
    window = open_window(qtbot, path, "carol")
    table = window.table
    table.setCurrentCell(table.row_lesions.index("T1"), table.FIRST + 2)
    qtbot.waitUntil(lambda: not window.loading() and all(
        p.view is not None and p.view.volume.shape[0] == 20 for p in window.images.panes),
        timeout=30_000)
    slices = []
    for pane, reader in zip(window.images.panes, ("alice", "bob"), strict=True):
        view = pane.view
        assert view is not None and Path(view.volume.files[0]).is_relative_to(
            tmp_path / "reader-cache")  # from the archive, through the reader's cache
        (caliper,) = [m for m in view.viewport.layer.items if m.caption == "T1"]
        assert caliper.locked and view.viewport.nav.index == caliper.slice_index
        assert reader in view.title_lines()[0] and "FU2" in view.title_lines()[0]
        slices.append(caliper.slice_index)
    assert slices[1] == slices[0] + 1  # bob measured T1 at FU2 one slice further
    window.close()
    # alice's SRs: the images they refer to are read from the archive (no local folder)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORDS['alice']}\n"))
    assert main(["export", str(path), "--sr", str(tmp_path / "sr"), "--user", "alice",
                 "--password-stdin"]) == 0
    written = sorted((tmp_path / "sr").iterdir())
    assert len(written) == 4
    held = {sop for tp in ("BASELINE", "FU1", "FU2", "FU3") for sop in load_series(
        own_orthanc.url, series_uid=_series(path, case, tp)).sop_instance_uids}
    for sr in written:
        referenced = {str(item.ReferencedSOPInstanceUID) for item in
                      pydicom.dcmread(sr).CurrentRequestedProcedureEvidenceSequence[0]
                      .ReferencedSeriesSequence[0].ReferencedSOPSequence}
        assert referenced and referenced <= held


def _series(path: Path, case: str, label: str) -> str:
    with Store.open(path, create=False) as store:
        ref = next(tp for tp in store.load().subjects[case] if tp.label == label).series
    assert ref is not None
    return ref.series_uid


def adjudication_study(tmp_path: Path, orthanc: Orthanc) -> tuple[Path, str]:
    """Both readers' reads of the first patient, done on local copies of the same
    de-identified files (a folder import with the same key: the same UIDs); the project's
    images in the archive. Returns the project and the case id."""
    for patient in PATIENTS:
        write_site_copy(tmp_path / "site", patient)
    assert main(["import", str(tmp_path / "site"), str(tmp_path / "local")]) == 0
    key = tmp_path / "key"
    shutil.copy(tmp_path / "local.deid-key", key)
    assert main(["import", str(tmp_path / "site"), str(tmp_path / "reading"), "--images",
                 orthanc.url_with_credentials, "--key-file", str(key)]) == 0
    path = tmp_path / "reading" / PROJECT_DB
    with Store.open(path, create=False) as store:
        admin = add_user(store, "ada", Role.ADMINISTRATOR, PASSWORDS["ada"], by=None)
        for name, role in ROLES.items():
            add_user(store, name, role, PASSWORDS[name], by=admin)
    case = next(c for c, p in samples(tmp_path / "local" / PROJECT_DB).items()
                if p is PATIENTS[0])
    for reader, pd_at in (("alice", "FU2"), ("bob", "FU3")):
        read_case(path, case, PATIENTS[0].sample, reader, pd_at=pd_at,
                  images=tmp_path / "local")
    return path, case

def test_the_adjudicators_panes_retry_a_lost_connection_to_the_archive(
        qtbot: QtBot, own_orthanc: Orthanc, tmp_path: Path, reader_env: None,
        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The archive is down when the adjudicator chooses a cell: each pane says so and tries
    again (listing the study's series, then loading it) until the archive is back."""
    path, _ = adjudication_study(tmp_path, own_orthanc)
    monkeypatch.setattr(remote_loading, "RETRY_S", 0.3)
    window = open_window(qtbot, path, "carol")
    own_orthanc.stop()
    table = window.table
    table.setCurrentCell(table.row_lesions.index("T1"), table.FIRST + 2)

    def said(words: str) -> bool:
        return all(words in (p.view.status[0] if p.view is not None and p.view.status
                             else p.placeholder.text()) for p in window.images.panes)  # fmt: skip

    qtbot.waitUntil(lambda: said("Lost the connection to the image archive"), timeout=30_000)
    qtbot.waitUntil(lambda: said("attempt 2"), timeout=30_000)
    assert said("your read is saved") and said("FU2")
    own_orthanc.start()  # the archive is back (same ports, same storage)
    qtbot.waitUntil(lambda: not window.loading() and all(
        p.view is not None and p.view.volume.shape[0] == 20 for p in window.images.panes),
        timeout=30_000)  # fmt: skip
    assert not said("Lost the connection")
    for pane in window.images.panes:  # each reader's caliper on the loaded series
        assert pane.view is not None
        assert [m.caption for m in pane.view.viewport.layer.items].count("T1") == 1
    window.close()
