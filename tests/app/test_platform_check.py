"""``recist-review`` on a desktop that lacks a library Qt's platform plugin needs: one line that
names the library, its package and the install command, exit 2, no Qt abort. The machine's
real ``libxcb-cursor.so.0`` is made unreadable in a private mount namespace (``unshare``), so
the real PyQt6 plugin meets the real dynamic loader's error."""

from __future__ import annotations

import ctypes.util
import importlib.util
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer_gui.qt_platform import (
    INSTALL_LINE,
    PACKAGES,
    missing_library_message,
    platform_problem,
)

REPO = Path(__file__).resolve().parents[2]
#: Libraries of every Debian/Ubuntu system (required packages), never missing on a desktop.
_BASE = ("libc.so", "libm.so", "libstdc++.so", "libgcc_s.so", "ld-linux", "libz.so",
         "libzstd.so", "libpthread.so", "libdl.so", "librt.so")  # fmt: skip


def _needed(path: Path) -> list[str]:
    """The DT_NEEDED entries of an ELF64 little-endian shared object."""
    data = path.read_bytes()
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
                for i in range(shnum)]  # fmt: skip
    dynamic = next(s for s in sections if s[1] == 6)  # SHT_DYNAMIC
    strtab = sections[dynamic[6]]  # sh_link: its string table
    names = []
    for offset in range(dynamic[4], dynamic[4] + dynamic[5], 16):
        tag, value = struct.unpack_from("<qQ", data, offset)
        if tag == 0:
            break
        if tag == 1:  # DT_NEEDED
            start = strtab[4] + value
            names.append(data[start:data.index(b"\0", start)].decode())
    return names


def _qt_folder() -> Path:
    spec = importlib.util.find_spec("PyQt6")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "Qt6"


def test_the_package_table_covers_every_system_library_qt_links() -> None:
    qt = _qt_folder()
    bundled = {p.name for p in (qt / "lib").iterdir()}
    objects = [qt / "plugins" / "platforms" / f"libq{name}.so" for name in ("xcb", "offscreen")]
    objects += [qt / "lib" / f"libQt6{name}.so.6"
                for name in ("Core", "Gui", "Widgets", "DBus", "XcbQpa")]  # fmt: skip
    needed = {lib for path in objects for lib in _needed(path)}
    system = {lib for lib in needed - bundled if not lib.startswith(_BASE)}
    assert system, "no system library found: the ELF reader is wrong"
    assert system <= set(PACKAGES), f"libraries without a package: {system - set(PACKAGES)}"


def test_the_install_line_is_the_readmes_and_ci_installs_it() -> None:
    assert set(PACKAGES.values()) <= set(INSTALL_LINE.split())
    assert INSTALL_LINE in (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert set(INSTALL_LINE.split()[3:]) <= set(ci.replace("\\", " ").split())
    assert set(PACKAGES) <= set(re.findall(r"lib[\w.+-]+?\.so\.\d+", ci))  # and checks for


@pytest.mark.parametrize(
    ("error", "library", "package"),
    [
        ("libxcb-cursor.so.0: cannot open shared object file: No such file or directory",
         "libxcb-cursor.so.0", "libxcb-cursor0"),
        ("/usr/lib/x86_64-linux-gnu/libxcb-icccm.so.4: file too short",
         "libxcb-icccm.so.4", "libxcb-icccm4"),
        ("libxkbcommon-x11.so.0: cannot open shared object file: No such file or directory",
         "libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ],
)  # fmt: skip
def test_the_loader_error_becomes_one_line_naming_the_package(
    error: str, library: str, package: str
) -> None:
    message = missing_library_message(error, "xcb")
    assert "\n" not in message
    assert f"{library} (Debian/Ubuntu package {package}) is missing" in message
    assert message.endswith(INSTALL_LINE)


def test_an_unknown_library_is_named_with_the_install_line() -> None:
    message = missing_library_message("libfoo.so.7: cannot open shared object file", "xcb")
    assert "libfoo.so.7 is missing" in message and message.endswith(INSTALL_LINE)


def test_offscreen_needs_no_display() -> None:
    assert platform_problem({"QT_QPA_PLATFORM": "offscreen"}) is None


def _all_loadable() -> bool:
    return all(ctypes.util.find_library(lib.split(".so")[0][3:]) for lib in PACKAGES)


def test_without_a_display_the_app_says_so() -> None:
    message = platform_problem({})
    assert message is not None and "\n" not in message
    if _all_loadable():
        assert "DISPLAY is not set" in message


def _hide(library: str) -> tuple[list[str], str]:
    """A command prefix that runs its command with ``library`` unreadable, and the library's
    path (empty when it is not installed: then it is missing anyway)."""
    found = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True).stdout
    paths = [line.split("=> ")[-1] for line in found.splitlines() if f"{library} (" in line]
    if not paths:
        return [], ""
    real = os.path.realpath(paths[0])
    userns = [] if os.geteuid() == 0 else ["--user", "--map-root-user"]
    return [shutil.which("unshare") or "unshare", *userns, "--mount", "sh", "-c",
            f'mount --bind "$0" {real} && exec "$@"', os.devnull], real  # fmt: skip


def test_a_missing_xcb_cursor_library_gives_one_line_and_exit_2(tmp_path: Path) -> None:
    prefix, hidden = _hide("libxcb-cursor.so.0")
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    env.update(DISPLAY=":97", XDG_CACHE_HOME=str(tmp_path / "cache"))
    command = [sys.executable, "-m", "reviewer_gui.cli", "--demo"]
    done = subprocess.run([*prefix, *command], capture_output=True, text=True, env=env,
                          timeout=120, cwd=tmp_path)  # fmt: skip
    lines = done.stderr.splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("recist-review: cannot open a window: ")
    assert lines[0].endswith(INSTALL_LINE)
    if _all_loadable():  # then the hidden library is the one the loader misses first
        assert "libxcb-cursor.so.0 (Debian/Ubuntu package libxcb-cursor0)" in lines[0]
    assert hidden == "" or Path(hidden).stat().st_size > 0  # the real file is untouched
    assert not (tmp_path / "cache").exists()  # refused before anything was written
