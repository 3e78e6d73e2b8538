"""Writing outputs atomically: readers see the old file or the whole new one, never half of it."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any


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
