"""What answers an OPTIONS request behind a vercel.json `headers` rule in a SvelteKit app
deployed with adapter-vercel (or adapter-auto): Vercel adds the rule's headers to every
response of its paths, and the request itself reaches SvelteKit.

Measured with @sveltejs/kit 2.70.4 (`vite build` + `vite preview`, the kit's own server
runtime; tests/test_differential_vercel_sveltekit.py): an endpoint (`src/routes/**/
+server.js|ts`) without an `OPTIONS` or `fallback` export answers OPTIONS **405** (`allow:
POST`), whatever the preflight asks; one with them runs its code; a page answers 204; no
route 404; another case 404; a trailing slash 308. So a vercel.json rule over endpoints
without `OPTIONS` answers simple requests, but every preflight there fails
(BorisSavianov/ParkingSpaceBackEnd: `/api/(.*)` with all four CORS headers, one endpoint of
seventeen exporting OPTIONS). Vercel's edge is not run here: that it adds the configured
headers to the function's 405 changes nothing, the status fails the preflight.

The answers are `KIND REGEX` entries as `next_routes` writes them (read by
`frameworks.express_headers.next_options_status`): an endpoint that refuses OPTIONS is
`pages-refuses-405-METHOD` (METHOD: the preflighted method it serves, for the probe path),
one with its own OPTIONS `handler-options` and a page `page` (both left unanswered), then
`fallback ?`. None (every OPTIONS unanswered) where SvelteKit is not plainly what serves
the paths: no svelte.config with a Vercel adapter beside vercel.json, custom `kit.files`,
`paths`, `rewrites` / `redirects` / `routes` / `builds` in vercel.json, an `api/` folder of
Vercel functions, a server `handle` hook or a `reroute` hook, a `prerender` or
`trailingSlash` page option in a route file, a param matcher or a segment mixing text and
parameters."""

from __future__ import annotations

import os
import re
from pathlib import Path

from corslint.extractors.express.next_routes import REFUSES
from corslint.model import Value

_SUFFIXES = frozenset({".js", ".ts"})
_SKIPPED = frozenset({"node_modules", ".svelte-kit", ".git"})
_CONFIGS = ("svelte.config.js", "svelte.config.mjs", "svelte.config.ts")
_ADAPTERS = ("@sveltejs/adapter-vercel", "@sveltejs/adapter-auto")
_OWN_ROUTING = frozenset({"rewrites", "redirects", "routes", "builds", "cleanUrls", "trailingSlash"})
_EXPORTED = r"export\s+(?:(?:async\s+)?function\s+|(?:const|let|var)\s+){name}\b|export\s*\{{[^}}]*\b{name}\b"
_OWN_OPTIONS = re.compile(_EXPORTED.format(name="(?:OPTIONS|fallback)"))
_HANDLE = re.compile(_EXPORTED.format(name="handle"))
_REROUTE = re.compile(_EXPORTED.format(name="reroute"))
_METHOD_EXPORT = re.compile(_EXPORTED.format(name="(PUT|PATCH|DELETE|POST|GET)"))
_PREFLIGHTED_FIRST = ("PUT", "PATCH", "DELETE", "POST", "GET")
# svelte.config options that move the routes (`kit.files`, `paths.base`)
_OWN_LAYOUT = re.compile(r"\b(?:files|paths|base)\s*:")
# page options that change what answers a route: a prerendered endpoint is a static file,
# `trailingSlash: 'always'` redirects `/api/x` (set in a layout, they reach the routes below)
_PAGE_OPTIONS = re.compile(_EXPORTED.format(name="(?:prerender|trailingSlash)"))


def kit_options_answers(vercel_json: Path, data: dict[str, Value]) -> tuple[str, ...] | None:
    """The `KIND REGEX` entries SvelteKit answers OPTIONS from behind `vercel_json`, most
    specific route first; None when that cannot be read (see the module's docstring)."""
    if _OWN_ROUTING & set(data):
        return None
    root = vercel_json.parent
    config = next((root / name for name in _CONFIGS if (root / name).is_file()), None)
    if config is None or (root / "api").is_dir():
        return None
    text = _read(config)
    if text is None or not any(adapter in text for adapter in _ADAPTERS) or _OWN_LAYOUT.search(text):
        return None
    for hooks in ("hooks.server", "hooks"):
        for suffix in _SUFFIXES:
            source = _read(root / "src" / f"{hooks}{suffix}")
            if source is not None and (_HANDLE.search(source) or _REROUTE.search(source)):
                return None
    routes_folder = root / "src" / "routes"
    if not routes_folder.is_dir():
        return None
    routes = _routes(routes_folder)
    if routes is None:
        return None
    ordered = sorted(routes, key=lambda route: route[0])
    return (*(f"{kind} {regex}" for _, kind, regex in ordered), "fallback ?")


def _read(file: Path) -> str | None:
    try:
        return file.read_text("utf-8", errors="replace") if file.is_file() else None
    except OSError:
        return None


def _routes(folder: Path) -> list[tuple[tuple[int, ...], str, str]] | None:
    """(rank, kind, regex) of each route folder with a `+server` or `+page` file."""
    found = []
    for directory, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if f not in _SKIPPED and not f.startswith("."))
        servers = [name for name in files if name.startswith("+server.") and Path(name).suffix in _SUFFIXES]
        for name in files:
            options = (
                _read(Path(directory) / name) if name.startswith(("+layout.", "+page.", "+server.")) else None
            )
            if options is not None and name.endswith((".js", ".ts")) and _PAGE_OPTIONS.search(options):
                return None
        page = any(name.startswith("+page.") for name in files)
        if not servers and not page:
            continue
        parts = Path(directory).relative_to(folder).parts
        pattern = _pattern(parts)
        if pattern is None:
            return None
        regex, rank = pattern
        kind = "page"
        if servers:
            text = _read(Path(directory) / servers[0])
            if text is None:
                return None
            methods = {match.group(1) for match in _METHOD_EXPORT.finditer(text)}
            served = next((method for method in _PREFLIGHTED_FIRST if method in methods), None)
            if _OWN_OPTIONS.search(text) or served is None or len(servers) > 1:
                kind = "handler-options"
            else:
                kind = f"{REFUSES}405-{served}"
        found.append((rank, kind, regex))
    return found


def _pattern(parts: tuple[str, ...]) -> tuple[str, tuple[int, ...]] | None:
    """The request paths a route folder serves (a Python regex of the whole path) and its
    rank (per segment: static 0, `[id]` 1, `[[id]]` 2, `[...rest]` 3); None for a part the
    model does not read (a param matcher `[id=int]`, text mixed with a parameter)."""
    regex, rank = "", []
    for part in parts:
        if part.startswith("(") and part.endswith(")"):
            continue  # a group
        inner = part[1:-1] if part.startswith("[") and part.endswith("]") else None
        if inner is None:
            if "[" in part or "]" in part:
                return None
            regex += "/" + re.escape(part)
            rank.append(0)
        elif "=" in inner:
            return None
        elif inner.startswith("[") and inner.endswith("]"):
            regex += "(?:/[^/]+)?"
            rank.append(2)
        elif inner.startswith("..."):
            regex += "(?:/.+)?"
            rank.append(3)
        elif re.fullmatch(r"\w+", inner):
            regex += "/[^/]+"
            rank.append(1)
        else:
            return None
    if not regex or regex.startswith("(?:"):
        regex = f"/|{regex}" if regex else "/"
    return regex, tuple(rank)
