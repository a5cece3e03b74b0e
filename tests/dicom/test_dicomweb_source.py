"""DICOMweb sources without a server: URLs, credentials, the multipart envelope; corrupt JPEG."""

from __future__ import annotations

from pathlib import Path

import pydicom
import pytest
from dicom_testkit import small_hu, write_small_series
from pydicom.encaps import encapsulate

from reviewer_gui.dicom import DicomLoadError, load_series
from reviewer_gui.dicom._dicomweb import is_dicomweb_url, parse_server
from reviewer_gui.dicom._multipart import first_part, iter_parts


@pytest.fixture(autouse=True)
def _no_ambient(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("RECIST_REVIEW_DICOMWEB_USER", raising=False)
    monkeypatch.delenv("RECIST_REVIEW_DICOMWEB_PASSWORD", raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "none"))


def test_credentials_in_the_url_are_taken_out_of_it() -> None:
    server = parse_server("https://ann%40lab:p%3Ass@pacs.example:8443/dicom-web/")
    assert server.url == "https://pacs.example:8443/dicom-web"
    assert (server.user, server.password) == ("ann@lab", "p:ss")
    assert "p:ss" not in repr(server)
    assert is_dicomweb_url("HTTP://x/dicom-web") and not is_dicomweb_url(Path("http:"))


def test_credentials_from_the_environment_then_netrc(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    assert parse_server("http://127.0.0.1:8042/dicom-web").user is None
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login bob password from-netrc\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    assert parse_server("http://127.0.0.1:8042/dicom-web").password == "from-netrc"
    monkeypatch.setenv("RECIST_REVIEW_DICOMWEB_USER", "eve")
    monkeypatch.setenv("RECIST_REVIEW_DICOMWEB_PASSWORD", "from-env")
    server = parse_server("http://127.0.0.1:8042/dicom-web")
    assert (server.user, server.password) == ("eve", "from-env")


def test_a_url_source_needs_a_series_uid() -> None:
    with pytest.raises(DicomLoadError, match="needs series_uid"):
        load_series("http://127.0.0.1:9/dicom-web")


def test_the_multipart_envelope() -> None:
    head = b"Content-Type: application/dicom\r\n\r\n"
    body = b"--b1\r\n" + head + b"DATA\r\n--b1\r\n" + head + b"MORE\r\n--b1--\r\n"
    ctype = 'multipart/related; type="application/dicom"; boundary=b1'
    one_byte_chunks = [body[i:i + 1] for i in range(len(body))]
    assert list(iter_parts(one_byte_chunks, ctype, "x")) == [b"DATA", b"MORE"]
    assert list(iter_parts([b"preamble\r\n" + body], ctype, "x")) == [b"DATA", b"MORE"]
    with pytest.raises(DicomLoadError, match="ended before its last part"):
        list(iter_parts([body[:-9]], ctype, "x"))
    with pytest.raises(DicomLoadError, match="sent 2 files"):
        first_part(body, ctype, "x")
    one = b"--b1\r\nContent-Type: application/dicom\r\n\r\nDA\r\nTA\r\n--b1--\r\n"
    assert first_part(one, ctype, "x") == b"DA\r\nTA"
    with pytest.raises(DicomLoadError, match="the connection was cut"):
        first_part(one[:30], ctype, "x")
    assert first_part(b"raw", "application/dicom", "x") == b"raw"


def test_a_corrupt_jpeg_slice_is_one_clear_line(tmp_path: Path) -> None:
    files = write_small_series(tmp_path, small_hu(n=3, size=32), syntax="jpeg-lossless")
    ds = pydicom.dcmread(files[1])
    ds.PixelData = encapsulate([b"\xff\xd8\xff\xc3" + bytes(range(256)) + b"\xff\xd9"])
    ds.save_as(files[1])
    with pytest.raises(DicomLoadError) as exc:
        load_series(files, workers=1)
    text = str(exc.value)
    assert "\n" not in text and text.startswith(f"{files[1]}: cannot decode JPEG Lossless")
    assert "or the file is corrupt" in text
