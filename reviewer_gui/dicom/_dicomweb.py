"""A DICOMweb server as a source of series: its URL, the reader's credentials, and the requests.

Plain requests, not dicomweb-client: its requests retry 5 times with a growing wait, so a hung
server takes minutes to report, and its retrieve decodes every instance into a pydicom Dataset,
while the loader wants each file's stored bytes on disk (WADO-RS with ``transfer-syntax=*``;
the folder loader then reads headers and pixels as for any folder). The only parsing here is
of the QIDO-RS JSON and of the MIME multipart envelope around each file; DICOM itself is parsed
by pydicom. (benchmarks/pacs.py compares with dicomweb-client's retrieve_series.)

Credentials come from the URL (``https://user:password@host/dicom-web``), else from the
environment (``RECIST_REVIEW_DICOMWEB_USER`` / ``RECIST_REVIEW_DICOMWEB_PASSWORD``), else from
a netrc file (``$NETRC`` or ``~/.netrc``), never from a project database.
"""

from __future__ import annotations

import netrc
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import requests

from ._model import DicomLoadError
from ._multipart import first_part, iter_parts

USER_ENV = "RECIST_REVIEW_DICOMWEB_USER"
PASSWORD_ENV = "RECIST_REVIEW_DICOMWEB_PASSWORD"
TIMEOUT_ENV = "RECIST_REVIEW_DICOMWEB_TIMEOUT"
DEFAULT_TIMEOUT_S = 30.0
QIDO_PAGE = 1000
STREAM_CHUNK = 1 << 20
_ACCEPT_FILE = 'multipart/related; type="application/dicom"; transfer-syntax=*'


def is_dicomweb_url(source: object) -> bool:
    """True for ``http://...`` and ``https://...`` strings (a DICOMweb base URL)."""
    return isinstance(source, str) and source.lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class Server:
    """A DICOMweb base URL without credentials, and the credentials to use with it."""

    url: str  # e.g. http://127.0.0.1:8042/dicom-web, no user info, no trailing slash
    user: str | None
    password: str | None = None

    def __repr__(self) -> str:  # never show the password
        return f"Server(url={self.url!r}, user={self.user!r})"


def parse_server(source: str) -> Server:
    """Split `source` into a URL without user info and the credentials (URL, env, netrc)."""
    parts = urlsplit(source)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DicomLoadError(f"{source!r} is not a DICOMweb URL: expected "
                             "http(s)://[user:password@]host:port/dicom-web")
    netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    if parts.port is not None:
        netloc += f":{parts.port}"
    url = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
    if parts.username is not None:
        return Server(url, unquote(parts.username),
                      None if parts.password is None else unquote(parts.password))
    user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if user:
        return Server(url, user, password)
    try:
        found = netrc.netrc(os.environ.get("NETRC")).authenticators(parts.hostname)
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        found = None
    if found is not None:
        return Server(url, found[0] or None, found[2])
    return Server(url, None)


def timeout_s() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "")
    try:
        return float(raw) if raw else DEFAULT_TIMEOUT_S
    except ValueError as exc:
        raise DicomLoadError(f"{TIMEOUT_ENV}={raw!r} is not a number of seconds") from exc


class Connection:
    """One reader's session with one DICOMweb server (thread-safe for parallel GETs)."""

    def __init__(self, server: Server, timeout: float | None = None, pool: int = 8) -> None:
        self.server = server
        self.timeout = timeout_s() if timeout is None else timeout
        self.session = requests.Session()
        self.session.trust_env = False  # no proxies from the environment; netrc done above
        # No gzip: Orthanc (HttpCompressionEnabled, on by default) then compresses every CT
        # slice on the fly, about 45 ms per 512 x 512 slice, for little gain on CT noise.
        self.session.headers["Accept-Encoding"] = "identity"
        adapter = requests.adapters.HTTPAdapter(pool_connections=pool, pool_maxsize=pool)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        if server.user is not None:
            self.session.auth = (server.user, server.password or "")

    def close(self) -> None:
        self.session.close()

    def search_page(self, level: str, filters: dict[str, str], fields: tuple[str, ...] = (),
                    limit: int = QIDO_PAGE, offset: int = 0) -> list[dict[str, Any]]:
        """One page of QIDO-RS ``/studies``, ``/series`` or ``/instances``, as DICOM JSON."""
        doing = f"searching {level} ({', '.join(f'{k}={v}' for k, v in filters.items())})"
        params: dict[str, str | list[str]] = {
            **filters, "includefield": list(fields), "limit": str(limit), "offset": str(offset)}
        try:
            response = self.session.get(f"{self.server.url}/{level}", params=params,
                                        timeout=self.timeout,
                                        headers={"Accept": "application/dicom+json"})
            response.raise_for_status()
            page = response.json() if response.content.strip() else []
        except Exception as exc:
            raise self.explain(exc, doing) from exc
        if not isinstance(page, list):
            raise DicomLoadError(f"{self.server.url}: the answer to {doing} is not a DICOM "
                                 "JSON list: not a DICOMweb server?")
        return page

    def search_pages(self, level: str, filters: dict[str, str], fields: tuple[str, ...] = (),
                     page: int = QIDO_PAGE) -> Iterator[list[dict[str, Any]]]:
        """Every page of a QIDO-RS search, one request each, until a short page."""
        offset = 0
        while True:
            found = self.search_page(level, filters, fields, page, offset)
            yield found
            offset += len(found)
            if len(found) < page:
                return

    def search(self, level: str, filters: dict[str, str],
               fields: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """Every result of a QIDO-RS search."""
        return [item for found in self.search_pages(level, filters, fields) for item in found]

    def fetch_file(self, study_uid: str, series_uid: str, sop_uid: str) -> bytes:
        """The stored bytes of one instance (WADO-RS, the server's own transfer syntax)."""
        url = (f"{self.server.url}/studies/{study_uid}/series/{series_uid}"
               f"/instances/{sop_uid}")
        try:
            response = self.session.get(url, headers={"Accept": _ACCEPT_FILE},
                                        timeout=self.timeout)
            response.raise_for_status()
        except Exception as exc:
            raise self.explain(exc, f"fetching instance {sop_uid}") from exc
        return first_part(response.content, response.headers.get("Content-Type", ""), sop_uid)

    def stream_series(self, study_uid: str, series_uid: str) -> Iterator[bytes]:
        """Every instance's stored bytes, from one streamed WADO-RS series answer."""
        return self.stream(f"studies/{study_uid}/series/{series_uid}",
                           f"fetching series {series_uid}")

    def stream(self, path: str, doing: str) -> Iterator[bytes]:
        """Every instance's stored bytes from one streamed WADO-RS answer (study or series)."""
        url = f"{self.server.url}/{path}"
        try:
            response = self.session.get(url, headers={"Accept": _ACCEPT_FILE},
                                        timeout=self.timeout, stream=True)
            response.raise_for_status()
        except Exception as exc:
            raise self.explain(exc, doing) from exc
        with response:
            parts = iter_parts(response.iter_content(STREAM_CHUNK),
                               response.headers.get("Content-Type", ""), doing)
            while True:
                try:
                    part = next(parts)
                except StopIteration:
                    return
                except Exception as exc:
                    raise self.explain(exc, doing) from exc
                yield part

    def explain(self, exc: BaseException, doing: str) -> DicomLoadError:
        """One line that says what failed and what to do about it."""
        where = f"the DICOMweb server at {self.server.url}"
        status = getattr(getattr(exc, "response", None), "status_code", None)
        if status in (401, 403):
            who = f"user '{self.server.user}'" if self.server.user else "no credentials"
            return DicomLoadError(
                f"{where} refused {who} (HTTP {status}) while {doing}: put the right user "
                f"and password in the URL, in {USER_ENV}/{PASSWORD_ENV}, or in ~/.netrc")
        if status == 404:
            return DicomLoadError(f"{where} answered 'not found' (HTTP 404) while {doing}: the "
                                  "series is not (or no longer completely) on the server; "
                                  "check the UID, or load it again once the upload is complete")
        if status is not None:
            return DicomLoadError(f"{where} answered HTTP {status} while {doing}: see the "
                                  "server's log")
        if isinstance(exc, requests.Timeout) or "timed out" in str(exc):
            return DicomLoadError(f"{where} did not answer within {self.timeout:g} s while "
                                  f"{doing}: the server is overloaded or hung; try again, or "
                                  f"raise {TIMEOUT_ENV}")
        if isinstance(exc, requests.ConnectionError):
            return DicomLoadError(f"{where} cannot be reached ({_root_cause(exc)}) while "
                                  f"{doing}: is the server running and the URL right?")
        if isinstance(exc, DicomLoadError):
            return exc
        return DicomLoadError(f"{where}: {type(exc).__name__} while {doing}: {exc}")


def _root_cause(exc: BaseException) -> str:
    while exc.__cause__ is not None or exc.__context__ is not None:
        nxt = exc.__cause__ or exc.__context__
        assert nxt is not None
        exc = nxt
    text = str(exc).split("] ")[-1].strip()
    return text[:120] or type(exc).__name__
