"""The methods the App Router route handlers export (`export async function PATCH(...)`),
as routes of the next.config `headers()` rules whose `source` covers them: a rule's
`Access-Control-Allow-Methods` that lacks a method a handler under it serves fails that
method's preflight (CORS202; shayush622/resQlink-client lists `GET, POST, PUT, DELETE,
OPTIONS` on `/api/:path*` while `api/disasters/[id]/admin/route.ts` exports PATCH)."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path, PurePosixPath

from corslint.extractors.express.next_routes import route_example
from corslint.frameworks.config_paths import source_matches
from corslint.model import CorsPolicy, Evidence, Location, Route

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
_EXPORT = re.compile(
    r"export\s+(?:async\s+)?function\s+(GET|HEAD|POST|PUT|PATCH|DELETE)\b"
    r"|export\s+(?:const|let|var)\s+(GET|HEAD|POST|PUT|PATCH|DELETE)\b"
)
_EXPORT_LIST = re.compile(r"export\s*\{([^}]*)\}")
_SKIPPED = frozenset({"node_modules", ".next", ".git"})
_SUFFIXES = frozenset({".js", ".jsx", ".ts", ".tsx", ".mjs"})


def with_handler_routes(policies: list[CorsPolicy], root: Path, display_root: str) -> list[CorsPolicy]:
    """Each `headers()` policy (its rule's source after `::` in `app`) with the handlers
    its source matches as routes, when it has none yet and some handler matches."""
    handlers = _handlers(root, display_root)
    if not handlers:
        return policies
    result = []
    for policy in policies:
        source = policy.app.partition("::")[2]
        if policy.routes is not None or not source.startswith("/"):
            result.append(policy)
            continue
        routes = []
        for example, route in handlers:
            try:
                if source_matches("next", source, example):
                    routes.append(route)
            except ValueError:
                routes = []
                break
        served = [route for route in routes if route.methods]
        if not served:
            result.append(policy)
            continue
        evidence = policy.evidence
        if len(served) == len(routes) and _reads_only(root, served):
            shown = ", ".join(sorted({route.path for route in served})[:3])
            found = Evidence(
                "reads-only", f"the route handlers it covers ({shown}) serve GET only", served[0].location
            )
            evidence = (*evidence, found)
        result.append(dataclasses.replace(policy, routes=tuple(served), evidence=evidence))
    return result


def _reads_only(root: Path, routes: list[Route]) -> bool:
    """Whether the covered handlers serve GET and HEAD alone, and nothing else of the app
    could serve another method there: no Pages Router API folder, no middleware or proxy
    file (they may answer any method). Then a page calls them with simple requests, which
    are never preflighted (CORS206 stays quiet unless the app uses bearer tokens)."""
    if any(set(route.methods) - {"GET", "HEAD"} for route in routes):
        return False
    for base in (root, root / "src"):
        if (base / "pages" / "api").is_dir():
            return False
        if any(
            (base / f"{stem}{suffix}").is_file() for stem in ("middleware", "proxy") for suffix in _SUFFIXES
        ):
            return False
    return True


def app_route_handlers(root: Path, display_root: str) -> list[Route]:
    """The App Router route handlers of the project at `root` that export some method, as
    routes (`next_custom_server`: a custom server's cors layer in front of them)."""
    return [route for _, route in _handlers(root, display_root) if route.methods]


def _handlers(root: Path, display_root: str) -> list[tuple[str, Route]]:
    """(a path it serves, the route) for each App Router route handler of the project."""
    folder = next((f for f in (root / "app", root / "src" / "app") if f.is_dir()), None)
    if folder is None:
        return []
    found = []
    for directory, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if f not in _SKIPPED)
        for name in sorted(files):
            file = Path(directory) / name
            if file.stem != "route" or file.suffix not in _SUFFIXES:
                continue
            parts = list(Path(directory).relative_to(folder).parts)
            example = route_example(parts)
            if example is None:
                continue
            try:
                text = file.read_text("utf-8", errors="replace")
            except OSError:
                continue
            methods, line = _exported_methods(text)  # none read: kept, so it counts as unknown
            shown = str(PurePosixPath(display_root) / file.relative_to(root).as_posix())
            path = "/" + "/".join(parts)
            found.append((example, Route(path, methods, Location(shown, line, 1, line, 1))))
    return found


def _exported_methods(text: str) -> tuple[tuple[str, ...], int]:
    """The HTTP methods a route file exports, and the line of the first that is preflighted
    (PUT, PATCH, DELETE), else of the first."""
    lines: dict[str, int] = {}
    for match in _EXPORT.finditer(text):
        lines.setdefault(match.group(1) or match.group(2), text.count("\n", 0, match.start()) + 1)
    for match in _EXPORT_LIST.finditer(text):
        for item in match.group(1).split(","):
            name = item.strip().split(" as ")[-1].strip()
            if name in _METHODS:
                lines.setdefault(name, text.count("\n", 0, match.start()) + 1)
    ordered = tuple(method for method in _METHODS if method in lines)
    preflighted = [lines[m] for m in ordered if m in {"PUT", "PATCH", "DELETE"}]
    return ordered, min(preflighted or list(lines.values()) or [1])
