"""A real Orthanc (Debian's ``orthanc`` + ``orthanc-dicomweb``) for tests and the benchmark.

Orthanc 1.10 listens on every interface, so :func:`loopback_only_problem` refuses to start it
outside a network namespace that has only loopback: run the tests with
``bash .ci/in-netns .venv/bin/python -m pytest tests/pacs`` (as ``.ci/run`` does).
Our configuration: authentication on (RegisteredUsers), DICOMweb enabled, remote access off,
storage and index in a temporary folder, ``TCP_NODELAY=1`` in its environment, C-GET allowed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

import requests

PLUGIN = Path("/usr/share/orthanc/plugins/libOrthancDicomWeb.so")
USER, PASSWORD = "reader", "reader-secret-1"
IN_NETNS = "bash .ci/in-netns .venv/bin/python -m pytest tests/pacs"


def loopback_only_problem() -> str | None:
    """Why Orthanc may not start here, or None (this network namespace has only loopback)."""
    names = [name for _, name in socket.if_nameindex()]
    if names != ["lo"]:
        return (f"network interfaces {', '.join(names)} besides loopback: Orthanc 1.10 "
                f"listens on every interface, so run these tests with `{IN_NETNS}`")
    if shutil.which("Orthanc") is None or not PLUGIN.is_file():
        return ("Orthanc or its DICOMweb plugin is not installed: apt-get install orthanc "
                "orthanc-dicomweb (.ci/run does)")
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Orthanc:
    """One Orthanc process with its own storage under `root`."""

    def __init__(self, root: Path, aet: str = "ORTHANC") -> None:
        self.root = root
        self.http_port = free_port()
        self.dicom_port = free_port()
        self.aet = aet
        self.process: subprocess.Popen[bytes] | None = None
        self.log = root / "orthanc.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def url(self) -> str:
        """The DICOMweb base URL, without credentials."""
        return f"{self.base}/dicom-web"

    @property
    def url_with_credentials(self) -> str:
        return f"http://{USER}:{PASSWORD}@127.0.0.1:{self.http_port}/dicom-web"

    def config(self) -> dict[str, object]:
        storage = self.root / "storage"
        return {
            "Name": "recist-test", "StorageDirectory": str(storage),
            "IndexDirectory": str(storage), "StorageCompression": False,
            "HttpPort": self.http_port, "DicomPort": self.dicom_port, "DicomAet": self.aet,
            "RemoteAccessAllowed": False, "AuthenticationEnabled": True,
            "RegisteredUsers": {USER: PASSWORD}, "SslEnabled": False,
            "Plugins": [str(PLUGIN)],
            "DicomWeb": {"Enable": True, "Root": "/dicom-web/", "EnableWado": True,
                         "Host": f"127.0.0.1:{self.http_port}", "Ssl": False},
            "DicomAlwaysAllowGet": True, "DicomAlwaysAllowEcho": True,
            "DicomAlwaysAllowFind": True, "DicomCheckCalledAet": False,
            "SaveJobs": False, "HttpTimeout": 60, "HttpThreadsCount": 16,
        }

    def start(self, timeout_s: float = 30.0) -> None:
        problem = loopback_only_problem()
        if problem is not None:
            raise RuntimeError(problem)
        cfg = self.root / "config"
        cfg.mkdir(parents=True, exist_ok=True)
        (cfg / "orthanc.json").write_text(json.dumps(self.config(), indent=1))
        env = {**os.environ, "TCP_NODELAY": "1"}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(["Orthanc", f"{cfg}/"], stdout=log, stderr=log,
                                            env=env, start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Orthanc exited with {self.process.returncode}: "
                                   f"{self.log.read_text()[-2000:]}")
            try:
                if requests.get(f"{self.base}/system", auth=(USER, PASSWORD),
                                timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"Orthanc did not answer within {timeout_s} s: {self.log}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.resume()
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def pause(self) -> None:
        """SIGSTOP: the server accepts connections (the kernel does) but never answers."""
        if self.process is not None:
            self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)

    def rest(self, method: str, path: str, **kw: object) -> requests.Response:
        r = requests.request(method, f"{self.base}{path}", auth=(USER, PASSWORD),
                             timeout=60, **kw)  # type: ignore[arg-type]
        r.raise_for_status()
        return r

    def upload(self, paths: Iterable[Path]) -> int:
        n = 0
        with requests.Session() as s:
            s.auth = (USER, PASSWORD)
            for p in paths:
                r = s.post(f"{self.base}/instances", data=Path(p).read_bytes(), timeout=60)
                r.raise_for_status()
                n += 1
        return n

    def delete_instance(self, sop_uid: str) -> None:
        found = self.rest("POST", "/tools/lookup", data=sop_uid).json()
        for item in found:
            if item["Type"] == "Instance":
                self.rest("DELETE", item["Path"])

    def clear(self) -> None:
        for pid in self.rest("GET", "/patients").json():
            self.rest("DELETE", f"/patients/{pid}")
