"""``recist-review export URL --sr DIR`` on a PostgreSQL project: the SRs of the reads the
signed-in user may export (a reader their own, the adjudicator every read, ``--final`` the
final reads), written from the images of the project's recorded image folder; every export an
audit record on the server. Without an image folder the export is refused in one line."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pydicom
import pytest
from pg_server import PgDatabase
from reading.kit import SAMPLE_SCANS, gen, sample_lesions, series_ref, subject, truth_axes

from reviewer_gui.cli import main
from reviewer_gui.dicom import load_series
from reviewer_gui.engine_adapter import RecistEngine
from reviewer_gui.reading import Category, plane_of
from reviewer_gui.review import Role, add_user, sign_in
from reviewer_gui.store import open_store
from reviewer_gui.store.image_folder import set_images_folder
from reviewer_gui.store.postgres import PostgresStore, create_project

PASSWORDS = {"ada": "admin-pass-1", "alice": "alice-pass-1", "bob": "bob-pass-123",
             "carol": "carol-pass-1"}  # fmt: skip
ROLES = {"alice": Role.READER, "bob": Role.READER, "carol": Role.ADJUDICATOR}
CASE = "SUBJ-001"


def _read(location: str, reader: str) -> None:
    """``reader`` reads the case as the sample's truth, signing every timepoint."""
    with sign_in(location, reader, PASSWORDS[reader], engine=RecistEngine()) as session:
        for tp, label in zip(session.timepoints(CASE), gen.TIMEPOINTS, strict=True):
            assert tp.series is not None
            images = load_series(Path(tp.series.folder), workers=1)
            for les in sample_lesions(CASE, label):
                lesion_id: str = les.lesion_id  # type: ignore[attr-defined]
                if lesion_id not in session.read(CASE).lesions:
                    session.add_lesion(CASE, Category(les.category),  # type: ignore[attr-defined]
                                       les.location, lesion_id=lesion_id)  # type: ignore[attr-defined]
                long, short, plane = truth_axes(CASE, label, lesion_id)
                session.measure(CASE, tp.label, lesion_id, long,
                                plane_of(images, plane.slice_index), short_axis=short)
            session.sign(CASE, tp.label, name=reader, password=PASSWORDS[reader],
                         meaning="Reviewed and approved as read")  # fmt: skip


@pytest.fixture
def study(pg_database: PgDatabase) -> str:
    return server_project(pg_database)


def server_project(pg_database: PgDatabase) -> str:
    """SUBJ-001 on the sample scans, read identically by alice and bob, on the server."""
    create_project(pg_database.url, "ada", PASSWORDS["ada"]).close()
    location = pg_database.location
    with open_store(location, user="ada", password=PASSWORDS["ada"]) as store:
        admin = store.users()["ada"]
        for name, role in ROLES.items():
            add_user(store, name, role, PASSWORDS[name], by=admin)
    with sign_in(location, "ada", PASSWORDS["ada"]) as ada:
        ada.add_subject(CASE)
        for label, date in zip(gen.TIMEPOINTS, subject(CASE).dates, strict=True):  # type: ignore[attr-defined]
            ada.add_timepoint(CASE, label, dt.date.fromisoformat(date), series_ref(CASE, label))
    for reader in ("alice", "bob"):
        _read(location, reader)
    return location


def export(monkeypatch: pytest.MonkeyPatch, study: str, out: Path, user: str,
           *more: str) -> int:  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORDS[user] + "\n"))
    return main(["export", study, "--sr", str(out), "--user", user, "--password-stdin",
                 *more])  # fmt: skip


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_the_srs_of_a_server_project_follow_the_access_rules(
    study: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    assert export(monkeypatch, study, tmp_path / "early", "alice") == 2
    assert capsys.readouterr().err == (
        f"recist-review: {study}: the project records no image folder, and the SRs are written "
        "from the images: record it first (recist-review images URL DIR --admin NAME)\n")
    assert not (tmp_path / "early").exists()
    with open_store(study, user="ada", password=PASSWORDS["ada"]) as store:
        set_images_folder(store, SAMPLE_SCANS, "ada")
    assert export(monkeypatch, study, tmp_path / "alice", "alice") == 0
    assert names(tmp_path / "alice") == [f"{CASE}_alice_0{i}-{label}_SR.dcm" for i, label
                                         in enumerate(("BASELINE", "M2", "M4", "M6"), 1)]
    sr = pydicom.dcmread(tmp_path / "alice" / f"{CASE}_alice_01-BASELINE_SR.dcm")
    assert sr.Modality == "SR" and sr.PatientID == CASE
    assert export(monkeypatch, study, tmp_path / "bob", "alice", "--reader", "bob") == 2
    assert "alice cannot export bob's reads" in capsys.readouterr().err
    assert not (tmp_path / "bob").exists()
    assert export(monkeypatch, study, tmp_path / "all", "carol") == 0
    assert len(names(tmp_path / "all")) == 8
    assert export(monkeypatch, study, tmp_path / "final", "carol", "--final") == 0
    final = names(tmp_path / "final")
    assert len(final) == 4 and len({name.split("_")[1] for name in final}) == 1
    assert export(monkeypatch, study, tmp_path / "no", "alice", "--final") == 2
    assert not (tmp_path / "no").exists()
    with open_store(study, user="ada", password=PASSWORDS["ada"]) as store:
        assert isinstance(store, PostgresStore)
        exports = [tuple(r) for r in store.database.execute(
            "SELECT actor, action FROM audit_record WHERE action IN ('export-sr', "
            "'export-final-sr') ORDER BY seq")]  # fmt: skip
    assert exports == [("alice", "export-sr"), ("carol", "export-sr"),
                       ("carol", "export-final-sr")]  # fmt: skip
