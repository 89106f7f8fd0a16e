"""Whether an http event's Lambda handler can send CORS headers at all.

The non-OPTIONS responses of a REST proxy integration carry the Lambda's own headers.
Where the handler's source is in the project (``handler: src/users.create`` ->
``src/users.{js,ts,...,py}``) and neither it nor the project modules it imports directly
mention CORS (``Access-Control-`` or ``cors``: a header, a helper, ``@middy/http-cors``,
an Express app with ``cors()``), its responses carry no Allow-Origin: no page can read
them, whatever the preflight allows. Anything else (a compiled ``dist/`` or Go binary, a
file not found) leaves the model's assumption: the Lambda sends what the preflight does.
"""

from __future__ import annotations

import os
import re

SOURCE_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".py")
MAX_BYTES = 512_000
_JS_IMPORT = re.compile(r"""(?:require\s*\(\s*|from\s+|import\s*\(?\s*)['"](\.{1,2}/[^'"]+)['"]""")
_PY_IMPORT = re.compile(r"^\s*(?:from\s+(\.*[\w.]*)\s+import|import\s+([\w.]+))", re.MULTILINE)
_MENTIONS = (b"access-control-", b"cors")


def _read(path: str) -> bytes | None:
    try:
        if os.path.getsize(path) > MAX_BYTES:
            return None
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return None


def _existing(stem: str) -> str | None:
    for candidate in (
        stem,
        *(stem + s for s in SOURCE_SUFFIXES),
        *(os.path.join(stem, "index" + s) for s in SOURCE_SUFFIXES),
    ):
        if os.path.isfile(candidate):
            return candidate
    if os.path.isfile(os.path.join(stem, "__init__.py")):
        return os.path.join(stem, "__init__.py")
    return None


def handler_source(service_dir: str, handler: str) -> str | None:
    """The file of `handler` (`path/to/module.function`), if it is in the project."""
    module, dot, _ = handler.rpartition(".")
    if not dot or not module:
        return None
    found = _existing(os.path.join(service_dir, module))
    if found is None and "/" not in module and "." in module:  # `pkg.module.function` (Python)
        found = _existing(os.path.join(service_dir, *module.split(".")))
    return found


def _imported(source: str, text: str, service_dir: str) -> list[str]:
    here = os.path.dirname(source)
    found: list[str] = []
    if source.endswith(".py"):
        for match in _PY_IMPORT.finditer(text):
            name = match.group(1) or match.group(2) or ""
            dots = len(name) - len(name.lstrip("."))
            parts = [p for p in name.lstrip(".").split(".") if p]
            bases = [here] if dots else [here, service_dir]
            if dots > 1:
                bases = [os.path.normpath(os.path.join(here, *[".."] * (dots - 1)))]
            for base in bases:
                target = _existing(os.path.join(base, *parts)) if parts else None
                if target is not None:
                    found.append(target)
                    break
    else:
        for match in _JS_IMPORT.finditer(text):
            target = _existing(os.path.normpath(os.path.join(here, match.group(1))))
            if target is not None:
                found.append(target)
    return found


def handler_may_send_cors(service_dir: str, handler: str) -> bool | None:
    """False when the handler's source and its direct project imports never mention CORS;
    True when they do; None when the source is not in the project."""
    source = handler_source(service_dir, handler)
    if source is None:
        return None
    data = _read(source)
    if data is None:
        return None
    files = [data]
    for imported in _imported(source, data.decode("utf-8", "replace"), service_dir):
        more = _read(imported)
        if more is None:
            return None
        files.append(more)
    return any(needle in data.lower() for data in files for needle in _MENTIONS)
