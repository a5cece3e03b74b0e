"""Where the engine's commands write: one mechanism for every output, so that an output is
written whole or not at all and never replaces what it must not.

- A file (CSV, SAS transport): written to a temporary file beside the target, synced, then
  renamed over it in one step.
- New files added to a folder, never replacing one (``recist example``): written into a
  temporary folder, then linked into place, all or none.
- A folder of files (``recist report``): written into a temporary folder beside the target,
  which is then swapped with the old one in one step (``renameat2(RENAME_EXCHANGE)``), so that
  a kill at any moment leaves the old set or the new set, never a mix.
- Standard output.

Before anything is written the target is checked: not an input, not a directory where a file
is expected (nor a file where a folder is), not a device or a pipe, and its folder exists.
Every failure, then or while writing (a read-only place, a full disk, a closed standard
output), is an ``OutputError``: one line, ``PATH: what is wrong and the fix``.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

STDOUT = "standard output"
_REDIRECT = "redirect it to a file, or write with -o FILE"


class OutputError(OSError):
    """An output that cannot be (or was not) written; ``str()`` is the one-line message."""

    def __init__(self, target: Path | str, message: str) -> None:
        super().__init__(f"{target}: {message}")

    def __str__(self) -> str:
        return str(self.args[0])


def check_file_target(target: Path, inputs: Iterable[Path] = ()) -> None:
    """Raise ``OutputError`` unless ``target`` can be replaced by an output file."""
    status = _status(target)
    if status is not None:
        if stat.S_ISDIR(status.st_mode):
            raise OutputError(target, "is a directory; give the name of a file to write")
        if not stat.S_ISREG(status.st_mode):
            raise OutputError(
                target,
                "is not a regular file (a device, a pipe or a socket); write to a file, or "
                "leave out -o to write to standard output",
            )
        for source in inputs:
            if _same_file(source, target):
                raise OutputError(
                    target, f"is the input file {source}; write the output to another file"
                )
    _check_folder_of(target)


def check_folder_target(target: Path, inputs: Iterable[Path] = ()) -> None:
    """Raise ``OutputError`` unless ``target`` can be replaced by a folder of output files."""
    status = _status(target)
    if status is not None:
        if not stat.S_ISDIR(status.st_mode):
            raise OutputError(target, "is not a folder; give a folder to write the files into")
        inside = target.resolve()
        for source in inputs:
            if source.resolve().is_relative_to(inside):
                raise OutputError(
                    target,
                    f"holds the input {source}, which writing this folder would replace; "
                    "write to another folder",
                )
    _check_folder_of(target)


def replace_file(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(temporary)`` for a temporary file beside ``target``, then put it in place
    in one rename; raises ``OutputError`` (nothing changed) when any step fails."""
    check_file_target(target)
    status = _status(target)
    mode = stat.S_IMODE(status.st_mode) if status is not None else 0o644
    temporary: Path | None = None
    try:
        descriptor, name = tempfile.mkstemp(
            dir=target.absolute().parent, prefix=f".{target.name}.", suffix=".tmp"
        )
        os.close(descriptor)
        temporary = Path(name)
        write(temporary)
        with temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
        temporary = None
        _sync_folder(target.absolute().parent)
    except OutputError:
        raise
    except OSError as error:
        raise OutputError(target, _why(error)) from None
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def replace_folder(target: Path, files: Mapping[str, bytes]) -> None:
    """Make ``target`` a folder holding exactly ``files`` (name -> content), all at once.

    The folder may already hold an earlier set of the same files (nothing else: a folder with
    other files is refused, since they would be lost). A kill at any moment leaves the old set
    or the new set; a failure raises ``OutputError`` and leaves the old set."""
    if target.is_symlink():  # replace the folder it points to, not the link
        target = target.resolve()
    check_folder_target(target)
    if _status(target) is not None:
        foreign = sorted(p.name for p in target.iterdir() if p.name not in files or not p.is_file())
        if foreign:
            raise OutputError(
                target,
                f"holds {', '.join(foreign[:3])}{' ...' if len(foreign) > 3 else ''}, which this "
                "command does not write and would be lost; give an empty or a new folder, or one "
                "this command wrote",
            )
    parent = target.absolute().parent
    staging: Path | None = None
    try:
        mode = _folder_mode(target)
        staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.", suffix=".tmp"))
        for name, content in files.items():
            with open(staging / name, "xb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(staging / name, 0o644)
        os.chmod(staging, mode)
        _sync_folder(staging)
        if _status(target) is None:
            os.rename(staging, target)
            staging = None
        else:
            _exchange(staging, target)  # staging now holds the old set
        _sync_folder(parent)
    except OutputError:
        raise
    except OSError as error:
        raise OutputError(target, _why(error)) from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def add_files(folder: Path, names: Sequence[str], write: Callable[[Path], None]) -> None:
    """Add the new files ``names`` to ``folder`` (created when missing), all or none, never
    replacing a file: ``write(staging)`` writes them into a temporary folder inside ``folder``,
    then each is linked into place. Raises ``OutputError`` when one already exists (before
    ``write`` is called) or when a step fails; nothing is left behind either way."""
    status = _status(folder)
    if status is not None and not stat.S_ISDIR(status.st_mode):
        raise OutputError(folder, "is not a folder; give a folder to write the files into")
    existing = [str(folder / name) for name in names if (folder / name).exists()]
    if existing:
        verb = "already exists" if len(existing) == 1 else "already exist"
        raise OutputError(folder, f"{' and '.join(existing)} {verb}; give an empty or a new folder")
    staging: Path | None = None
    linked: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder, prefix=".new-files-"))
        write(staging)
        for name in names:
            with open(staging / name, "rb") as handle:
                os.fsync(handle.fileno())
        for name in names:
            os.link(staging / name, folder / name)  # fails, replacing nothing, if one exists
            linked.append(folder / name)
        _sync_folder(folder)
    except OSError as error:
        for path in linked:
            path.unlink(missing_ok=True)
        raise OutputError(folder, _why(error)) from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def write_stdout(write: Callable[[TextIO], None]) -> None:
    """Call ``write(sys.stdout)`` and flush it; raises ``OutputError`` when standard output is
    closed or full (``BrokenPipeError`` passes: the reader stopped reading, e.g. ``| head``)."""
    stream = sys.stdout
    if stream is None:
        raise OutputError(STDOUT, f"is closed; {_REDIRECT}")
    try:
        write(stream)
        stream.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as error:
        _discard_stdout(stream)
        if isinstance(error, ValueError) or error.errno == errno.EBADF:
            raise OutputError(STDOUT, f"is closed; {_REDIRECT}") from None
        raise OutputError(STDOUT, f"{_why(error)} (what was written is incomplete)") from None


def _discard_stdout(stream: TextIO) -> None:
    """Point standard output at /dev/null, so that the interpreter's last flush of what is
    left in its buffer does not fail again (and change the exit status)."""
    try:
        descriptor = os.open(os.devnull, os.O_WRONLY)
        os.dup2(descriptor, stream.fileno())
        os.close(descriptor)
    except (OSError, ValueError):
        pass


def _status(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise OutputError(path, f"cannot be used as an output ({error.strerror})") from None


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.samefile(second)
    except OSError:
        return False


def _check_folder_of(target: Path) -> None:
    folder = target.absolute().parent
    if not folder.is_dir():
        raise OutputError(
            target,
            f"the folder {folder} does not exist ({os.strerror(errno.ENOENT)}); create it, or "
            "write somewhere else",
        )


def _why(error: OSError) -> str:
    """What went wrong, and the fix, in a few words."""
    reason = error.strerror or str(error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk is full ({reason}); free some space, or write somewhere else"
    if error.errno == errno.EFBIG:
        return f"the file is larger than this place allows ({reason}); write somewhere else"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write here ({reason}); choose a place you may write to"
    return f"cannot be written ({reason})"


def _folder_mode(target: Path) -> int:
    status = _status(target)
    if status is not None:
        return stat.S_IMODE(status.st_mode)
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o777 & ~umask


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (best effort: not every system can)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> None:
    """Swap two paths in one step (Linux ``renameat2``). Where that is not available, rename
    ``second`` aside and ``first`` into its place: then, only between the two renames, the
    old set is at ``first``'s name instead of ``second``'s."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is not None:
        done = renameat2(
            _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
        )
        if done == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), str(second))
    aside = Path(tempfile.mkdtemp(dir=second.absolute().parent, prefix=f".{second.name}."))
    aside.rmdir()
    os.rename(second, aside)
    os.rename(first, second)
    os.rename(aside, first)
