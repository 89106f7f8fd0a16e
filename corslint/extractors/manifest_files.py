"""Reading a dependency manifest or lock file as text: at most a size limit, UTF-8, or
UTF-16 where a byte-order mark says so (Windows PowerShell's `pip freeze >
requirements.txt` writes UTF-16 LE: yashvanth88/ExamCraft_AI server/requirements.txt).
A module of its own, importing nothing of corslint's, so that the readers of pinned
versions (python/pydantic_version, django/cors_version) and manifests.py share it."""

from __future__ import annotations

import os


def manifest_bytes(file: str, limit: int) -> bytes | None:
    """The file's bytes, None when it is bigger than `limit` or cannot be read."""
    try:
        if os.path.getsize(file) > limit:
            return None
        with open(file, "rb") as handle:
            return handle.read(limit + 1)
    except OSError:
        return None


def decoded_manifest(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")


def manifest_text(file: str, limit: int) -> str | None:
    """The decoded text of a manifest of at most `limit` bytes; None when it is bigger or
    cannot be read."""
    data = manifest_bytes(file, limit)
    return decoded_manifest(data) if data is not None else None
