"""recist-review import from a real Orthanc (DICOMweb and DIMSE) gives the folder import's project.

The site copies carry seeded PHI (tests/deid/kit.py). Each source is imported into its own
project with a copy of the folder import's key (so case ids, date offsets and new UIDs are the
key's): every de-identified file must then equal the folder import's, element for element, and
no seeded PHI may be left in any of them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pydicom
import pytest
from deid.kit import HENRIETTA, MAXIMILIAN, leaks
from deid.kit import write_site_copy as site_copy
from orthanc_kit import Orthanc

from reviewer_gui.cli import main
from reviewer_gui.deid import IMAGES


def deidentified(project: Path) -> dict[str, tuple[str, pydicom.Dataset]]:
    """SOP Instance UID -> (case/label/series folder, dataset without file meta)."""
    found = {}
    for path in sorted((project / IMAGES).rglob("*.dcm")):
        ds = pydicom.dcmread(path)
        ds.file_meta = pydicom.dataset.FileMetaDataset()
        found[str(ds.SOPInstanceUID)] = (str(path.parent.relative_to(project)), ds)
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    site_copy(root / "site", HENRIETTA, extra_series=True)
    site_copy(root / "site", MAXIMILIAN)
    assert main(["import", str(root / "site"), str(root / "folder-project")]) == 0
    return root


@pytest.mark.parametrize("kind", ["dicomweb", "dimse"])
def test_import_from_orthanc_equals_the_folder_import(
        kind: str, site: Path, own_orthanc: Orthanc, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    own_orthanc.upload(sorted(p for p in (site / "site").rglob("*") if p.is_file()))
    source = (own_orthanc.url_with_credentials if kind == "dicomweb"
              else f"dicom://{own_orthanc.aet}@127.0.0.1:{own_orthanc.dicom_port}")
    key = tmp_path / "key"
    shutil.copy(site / "folder-project.deid-key", key)
    project = tmp_path / "project"
    for patient in (HENRIETTA, MAXIMILIAN):  # the --patient filter, one subject at a time
        assert main(["import", source, str(project), "--patient", patient.patient_id,
                     "--key-file", str(key)]) == 0
    out = capsys.readouterr()
    assert "reader-secret" not in out.out + out.err
    expected = deidentified(site / "folder-project")
    got = deidentified(project)
    assert len(expected) > 100 and set(got) == set(expected)
    for uid, (folder, ds) in expected.items():
        assert got[uid][0] == folder
        assert got[uid][1] == ds, f"{folder}: {uid} differs"
    needles = [v for p in (HENRIETTA, MAXIMILIAN) for v in p.strings()]
    assert leaks(project, needles) == []


def test_a_filter_that_matches_nothing_is_one_clear_refusal(
        orthanc: Orthanc, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", orthanc.url_with_credentials, str(tmp_path / "p"),
                 "--patient", "NOBODY", "--key-file", str(tmp_path / "k")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == (f"recist-review import: {orthanc.url} has no images for "
                           "patient NOBODY: check the filters")
    assert not (tmp_path / "p").exists()


def test_wrong_credentials_on_import(orthanc: Orthanc, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    url = orthanc.url_with_credentials.replace(":reader-secret-1@", ":nope@")
    assert main(["import", url, str(tmp_path / "p"), "--key-file", str(tmp_path / "k")]) == 2
    err = capsys.readouterr().err
    assert "refused user 'reader' (HTTP 401)" in err and "nope" not in err


def test_filters_are_for_a_pacs_source_only(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "site").mkdir()
    assert main(["import", str(tmp_path / "site"), str(tmp_path / "p"),
                 "--patient", "X"]) == 2
    assert "--patient and --study filter a PACS source" in capsys.readouterr().err


def test_a_dimse_url_that_is_not_one(tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "dicom://ORTHANC@127.0.0.1", str(tmp_path / "p"),
                 "--key-file", str(tmp_path / "k")]) == 2
    assert "expected dicom://AET@HOST:PORT" in capsys.readouterr().err
