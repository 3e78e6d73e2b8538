"""Writing outputs atomically: readers see the old file or the whole new one, never half of it.

A regular file is written to a temporary file in the same folder and renamed over the old one.
A character device or a FIFO (``/dev/null``, ``/dev/stdout``, a named pipe) is written to
directly: renaming a regular file over it would replace the device node (as root, ``--csv
/dev/null`` did).  Any other kind of file (a block device, a socket) is refused.  Every failure
(a full disk, a file-size limit, a read-only folder) is an :class:`OutputPathError` naming the
file and the reason; the old file is kept.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import Any, Sequence


class OutputPathError(ValueError):
    """An output path that cannot be written, or that would overwrite an input; raised before any work, or
    when the write fails (the old file is then kept)."""


def _kind(mode: int) -> str | None:
    """None for a regular file; "direct" for a file written in place (character device, FIFO); else what it is."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return "direct"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a block device" if stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a regular file"


def _existing_kind(path: Path) -> str | None:
    try:
        return _kind(os.stat(path).st_mode)  # follows a symbolic link to what it names
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise OutputPathError(f"{path}: cannot be written ({error.strerror or error}); choose another place") from None


def write_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path``: through a temporary file in the same folder and ``os.replace`` for a
    regular file, directly for a character device or a FIFO.

    A failure (full disk, file-size limit, interruption) leaves neither the new file nor the
    temporary behind and keeps the old file; it is raised as :class:`OutputPathError`.  The file
    gets the usual permissions (0666 minus the umask).
    """
    path = Path(path)
    kind = _existing_kind(path)
    if kind == "direct":
        try:
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                _write_chunks(handle, text)
        except OSError as error:
            raise OutputPathError(f"{path}: cannot be written ({error.strerror or error})") from None
        return path
    if kind is not None:
        raise OutputPathError(f"{path}: is {kind}; give a file name for the output")
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise OutputPathError(f"{path}: cannot be written ({error.strerror or error}); choose another place") from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            _write_chunks(handle, text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        kept = "the old file is kept" if path.exists() else "nothing was written"
        raise OutputPathError(f"{path}: cannot be written ({error.strerror or error}); {kept}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def _write_chunks(handle: Any, text: str, size: int = 1 << 20) -> None:
    for k in range(0, len(text), size):
        handle.write(text[k:k + size])


def check_output(path: str | os.PathLike[str], inputs: Sequence[str | os.PathLike[str]] = (), create_folders: bool = False) -> Path:
    """Refuse an output path now, before the work whose result it is meant to hold, when

    - it is a folder, a block device or a socket (a character device or a FIFO is written to in place),
      or one of the input files (the same file by any name: symlink, hard link);
    - its folder does not exist (unless ``create_folders``: then the nearest existing one counts),
      or a file stands where a folder should;
    - no file can be created in that folder (tried for real: read-only folders and file systems,
      and root's exemptions from permission bits, all show).
    """
    path = Path(path)
    shown = str(path)
    if path.is_dir():
        raise OutputPathError(f"{shown}: is a folder; give a file name for the output")
    for source in inputs:
        if Path(source).exists() and (path.resolve() == Path(source).resolve() or (path.exists() and os.path.samefile(path, source))):
            raise OutputPathError(f"{shown}: is the input file {source}; refusing to write over it (choose another output name)")
    kind = _existing_kind(path)
    if kind == "direct":  # a device or a FIFO: written to in place, if it may be
        if not os.access(path, os.W_OK):
            raise OutputPathError(f"{shown}: cannot be written (permission denied); choose another place")
        return path
    if kind is not None:
        raise OutputPathError(f"{shown}: is {kind}; give a file name for the output")
    folder = path.absolute().parent
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing != folder and not create_folders:
        raise OutputPathError(f"{shown}: the folder {path.parent} does not exist; create it first")
    if not existing.is_dir():
        raise OutputPathError(f"{shown}: {existing} is a file, not a folder")
    probe = existing / f".{path.name}.{secrets.token_hex(6)}.probe"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as error:
        raise OutputPathError(f"{shown}: cannot write in the folder {existing} ({error.strerror}); choose another place") from None
    probe.unlink(missing_ok=True)
    return path
