"""Studies from a DICOMweb server: QIDO-RS for the studies, one streamed WADO-RS answer each."""

from __future__ import annotations

from pathlib import Path

from reviewer_gui.dicom._dicomweb import Connection, parse_server


def fetch_dicomweb(source: str, folder: Path, *, patient: str | None = None,
                   study: str | None = None) -> int:
    conn = Connection(parse_server(source))
    try:
        filters = {k: v for k, v in (("PatientID", patient), ("StudyInstanceUID", study)) if v}
        studies = [item.get("0020000D", {}).get("Value", [None])[0]
                   for item in conn.search("studies", filters)]
        n = 0
        for uid in sorted(str(u) for u in studies if u):
            target = folder / f"study-{len(list(folder.iterdir())) + 1:04d}"
            target.mkdir()
            for data in conn.stream(f"studies/{uid}", f"fetching study {uid}"):
                n += 1
                (target / f"{n:06d}.dcm").write_bytes(data)
        return n
    finally:
        conn.close()
