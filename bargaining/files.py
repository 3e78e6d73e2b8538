"""Writing outputs atomically: readers see the old file or the whole new one, never half of it."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Sequence


def write_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    A failure (full disk, interruption) leaves neither the file nor the temporary behind.  The
    file gets the usual permissions (0666 minus the umask).
    """
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            _write_chunks(handle, text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def _write_chunks(handle: Any, text: str, size: int = 1 << 20) -> None:
    for k in range(0, len(text), size):
        handle.write(text[k:k + size])


class OutputPathError(ValueError):
    """An output path that cannot be written, or that would overwrite an input; raised before any work."""


def check_output(path: str | os.PathLike[str], inputs: Sequence[str | os.PathLike[str]] = (), create_folders: bool = False) -> Path:
    """Refuse an output path now, before the work whose result it is meant to hold, when

    - it is a folder, or one of the input files (the same file by any name: symlink, hard link);
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
