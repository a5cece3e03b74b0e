"""Studies from a DIMSE node ``dicom://AET@HOST:PORT``: C-FIND (study level), then C-GET.

Our calling AE title is ``RECIST_REVIEW_AE_TITLE`` (default ``RECIST-REVIEW``). C-GET sends
the images back on the same association, so we offer the storage classes in the SCP role with
every transfer syntax (the node keeps its files' encoding). Nagle's algorithm is switched off
on our socket (TCP_NODELAY): left on, each message waits for a delayed acknowledgement.
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path
from typing import Any

from pydicom.dataset import Dataset
from pynetdicom import AE, build_role, evt
from pynetdicom.presentation import build_context
from pynetdicom.sop_class import (  # type: ignore[attr-defined]
    CTImageStorage,
    EnhancedCTImageStorage,
    EnhancedMRImageStorage,
    EnhancedPETImageStorage,
    MRImageStorage,
    PositronEmissionTomographyImageStorage,
    SecondaryCaptureImageStorage,
    StudyRootQueryRetrieveInformationModelFind,
    StudyRootQueryRetrieveInformationModelGet,
)

from reviewer_gui.dicom import DicomLoadError

AE_TITLE_ENV = "RECIST_REVIEW_AE_TITLE"
_URL = re.compile(r"^dicom://(?P<aet>[^@/]{1,16})@(?P<host>[^:/]+):(?P<port>\d{1,5})/?$",
                  re.IGNORECASE)
STORAGE = [CTImageStorage, EnhancedCTImageStorage, MRImageStorage, EnhancedMRImageStorage,
           PositronEmissionTomographyImageStorage, EnhancedPETImageStorage,
           SecondaryCaptureImageStorage]
SYNTAXES = ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2", "1.2.840.10008.1.2.4.70",
            "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81",
            "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.5",
            "1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.2"]


def is_dimse_url(source: str) -> bool:
    return source.lower().startswith("dicom://")


def parse_dimse(source: str) -> tuple[str, str, int]:
    found = _URL.match(source)
    if found is None:
        raise DicomLoadError(f"{source!r}: expected dicom://AET@HOST:PORT (the node's AE title, "
                             "host and DICOM port)")
    return found["aet"], found["host"], int(found["port"])


def _associate(aet: str, host: str, port: int, with_storage: bool) -> Any:
    ae = AE(ae_title=os.environ.get(AE_TITLE_ENV, "RECIST-REVIEW"))
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 60
    contexts = [build_context(StudyRootQueryRetrieveInformationModelFind),
                build_context(StudyRootQueryRetrieveInformationModelGet)]
    roles = []
    if with_storage:
        contexts += [build_context(uid, SYNTAXES) for uid in STORAGE]
        roles = [build_role(uid, scp_role=True) for uid in STORAGE]
    return ae, contexts, roles


def fetch_dimse(source: str, folder: Path, *, patient: str | None = None,
                study: str | None = None) -> int:
    aet, host, port = parse_dimse(source)
    query = Dataset()
    query.QueryRetrieveLevel = "STUDY"
    query.PatientID = patient or ""
    query.StudyInstanceUID = study or ""
    studies = []
    for status, found in _run(aet, host, port, "C-FIND", query):
        if found is not None and status in (0xFF00, 0xFF01):
            studies.append(str(found.StudyInstanceUID))
    written = 0
    for k, uid in enumerate(sorted(set(studies)), start=1):
        target = folder / f"study-{k:04d}"
        target.mkdir()
        get = Dataset()
        get.QueryRetrieveLevel = "STUDY"
        get.StudyInstanceUID = uid
        received: list[int] = []

        def store(event: Any, target: Path = target, received: list[int] = received) -> int:
            received.append(1)
            (target / f"{len(received):06d}.dcm").write_bytes(event.encoded_dataset())
            return 0x0000

        final = 0
        for status, _ in _run(aet, host, port, "C-GET", get, store):
            final = status
        if final not in (0x0000, 0xFF00):
            raise DicomLoadError(f"{source}: C-GET of study {uid} ended with status "
                                 f"0x{final:04X} after {len(received)} image(s): see the node's "
                                 "log (is our AE title allowed to retrieve?)")
        written += len(received)
    return written


def _run(aet: str, host: str, port: int, what: str, query: Dataset,
         store: Any = None) -> list[tuple[int, Dataset | None]]:
    ae, contexts, roles = _associate(aet, host, port, with_storage=store is not None)
    ae.requested_contexts = contexts
    handlers = [(evt.EVT_C_STORE, store)] if store is not None else []
    assoc = ae.associate(host, port, ae_title=aet, ext_neg=roles, evt_handlers=handlers)
    if not assoc.is_established:
        raise DicomLoadError(f"dicom://{aet}@{host}:{port}: no association for {what} (node "
                             "down, wrong port, or it refuses our AE title "
                             f"{ae.ae_title!r}, set by {AE_TITLE_ENV})")
    results: list[tuple[int, Dataset | None]] = []
    try:
        assoc.dul.socket.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if what == "C-FIND":
            replies = assoc.send_c_find(query, StudyRootQueryRetrieveInformationModelFind)
        else:
            replies = assoc.send_c_get(query, StudyRootQueryRetrieveInformationModelGet)
        for status, identifier in replies:
            if not status:
                raise DicomLoadError(f"dicom://{aet}@{host}:{port}: no answer to {what} "
                                     "(connection lost or timed out)")
            results.append((int(status.Status), identifier))
    finally:
        assoc.release()
    return results


__all__ = ["fetch_dimse", "is_dimse_url", "parse_dimse"]
