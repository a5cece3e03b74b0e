"""Whether Qt can open the app's window here, checked before any Qt object exists.

PyQt6 from pip bundles Qt but not the X11 / XCB system libraries its ``xcb`` platform plugin
links (since Qt 6.5 also ``libxcb-cursor0``). Without one, Qt aborts the process with a
message of its own that names no package. :func:`platform_problem` loads the platform plugin
Qt would load (``ctypes``, which resolves its libraries as Qt's loader would), and turns the
loader's error into one line: the missing library, its Debian/Ubuntu package and the one
``apt-get install`` line that gives every library the app needs (found with ``readelf -d`` on
the plugins and the Qt libraries PyQt6 ships). Qt-free: it finds PyQt6's folder without
importing it.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

#: System libraries of PyQt6's Qt (plugins ``xcb`` and ``offscreen``, QtCore, QtGui, QtWidgets,
#: QtDBus, QtXcbQpa) -> the Debian/Ubuntu package that provides them.
PACKAGES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
}
#: The one line that installs everything the app needs on Debian/Ubuntu (the README's).
INSTALL_LINE = "sudo apt-get install " + " ".join(
    dict.fromkeys([*PACKAGES.values(), "fonts-dejavu-core"])
)
_LIBRARY = re.compile(r"(lib[\w.+-]+?\.so(?:\.\d+)*)(?=:|\s|$)")


def _plugin(platform: str, environ: Mapping[str, str]) -> Path | None:
    """The platform plugin Qt would load: from ``QT_PLUGIN_PATH`` first, then PyQt6's."""
    folders = [Path(p) for p in environ.get("QT_PLUGIN_PATH", "").split(os.pathsep) if p]
    spec = importlib.util.find_spec("PyQt6")
    if spec is not None and spec.submodule_search_locations:
        folders += [Path(p) / "Qt6" / "plugins" for p in spec.submodule_search_locations]
    for folder in folders:
        candidate = folder / "platforms" / f"libq{platform}.so"
        if candidate.is_file():
            return candidate
    return None


def missing_library_message(loader_error: str, plugin: str) -> str:
    """One line from the dynamic loader's error: the library, its package, the fix."""
    found = _LIBRARY.findall(loader_error)
    library = found[0] if found else None
    if library is None:
        return (f"recist-review: Qt's '{plugin}' platform plugin cannot be loaded "
                f"({loader_error.strip()}); install the libraries it needs: {INSTALL_LINE}")
    package = PACKAGES.get(library)
    what = f"{library} (Debian/Ubuntu package {package})" if package else library
    return (f"recist-review: cannot open a window: {what} is missing or unreadable; on "
            f"Debian/Ubuntu install what the app needs with: {INSTALL_LINE}")


def platform_problem(environ: Mapping[str, str] | None = None) -> str | None:
    """``None`` when Qt can start its platform here, else the one-line message to print."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return None
    platform = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    if platform == "" and env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY"):
        platform = "wayland"
    platform = platform or "xcb"
    plugin = _plugin(platform, env)
    if plugin is None:
        return None  # not a platform we know how to check: Qt says what it finds
    try:
        ctypes.CDLL(str(plugin))
    except OSError as error:
        return missing_library_message(str(error), platform)
    if platform == "xcb" and not env.get("DISPLAY"):
        return ("recist-review: no display to open the window on (DISPLAY is not set); run it "
                "in a desktop session, or over SSH with X forwarding (ssh -X)")
    return None
