"""What answers an OPTIONS request in a Next.js app, path by path: the App Router route
handlers and pages (`app/`, `src/app/`) and the Pages Router files (`pages/`,
`src/pages/`) read from the folder tree, as `next start` routes them.

Measured on next 16.5.0 (docs/semantics/nextjs.md): a route handler without an `OPTIONS`
export answers 204 with the configured headers, and the model answers so. Elsewhere it
leaves OPTIONS unanswered: a route handler with its own `OPTIONS`, a Pages Router API
route or page (their code runs), a redirect, a rewrite that may run before the routes, a
middleware (`middleware.ts` / `proxy.ts`), a trailing-slash URL (a 308), an App Router
page (405: see `frameworks.express_headers._NEXT_STATUSES`) and a path with no route (404,
unless a public or generated file is served there). The result is a tuple of strings (an
option of the policy, see `frameworks.express_headers.next_options_status`): `KIND
REGEX`, most specific route first, then `fallback ?`."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from corslint.extractors.express.next_middleware_passing import answering_entries
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project import exported_value
from corslint.extractors.js.project_files import project_files
from corslint.extractors.js.syntax import Node, unwrap
from corslint.frameworks.config_paths import source_matches
from corslint.frameworks.express_headers import NEXT_OWN_OPTIONS_STATUS, next_options_status
from corslint.model import Evidence, Location

ROUTE_SUFFIXES = frozenset({".js", ".jsx", ".ts", ".tsx", ".mjs"})
_SKIPPED = frozenset({"node_modules", ".next", ".git"})
_OPTIONS_EXPORT = re.compile(
    r"export\s+(?:async\s+)?function\s+OPTIONS\b|export\s+(?:const|let|var)\s+OPTIONS\b"
    r"|export\s*\{[^}]*\bOPTIONS\b"
)
MIDDLEWARE_NAMES = frozenset(
    f"{stem}{suffix}" for stem in ("middleware", "proxy") for suffix in ROUTE_SUFFIXES
)
# what answers OPTIONS there: kinds the model answers, and kinds whose code decides
HANDLER, PAGE = "handler", "page"
UNKNOWN_KINDS = ("handler-options", "pages-api", "pages-page", "redirect")


@dataclass(frozen=True)
class NextRoute:
    """One route of the app: what answers OPTIONS there, the paths it serves, how specific."""

    kind: str
    regex: str  # the request paths it serves (Python, whole path)
    rank: tuple[int, ...]  # per segment: static 0, [id] 1, [...slug] 2, [[...slug]] 3


def _segment(part: str) -> tuple[str, int] | None:
    """(regex, rank) of one folder name; None for a name that adds no segment."""
    if (part.startswith("(") and part.endswith(")")) or part.startswith("@"):
        return None  # a route group, a parallel route's slot
    if part.startswith("[[...") and part.endswith("]]"):
        return "(?:/.+)?", 3
    if part.startswith("[...") and part.endswith("]"):
        return "/.+", 2
    if part.startswith("[") and part.endswith("]"):
        return "/[^/]+", 1
    return "/" + re.escape(part), 0


def _route(parts: list[str], kind: str) -> NextRoute | None:
    regex, rank = "", []
    for part in parts:
        if part.startswith("_") or part.startswith("(."):  # private folders, intercepting routes
            return None
        segment = _segment(part)
        if segment is None:
            continue
        regex += segment[0]
        rank.append(segment[1])
    if not regex or regex.startswith("(?:"):
        regex = f"/|{regex}" if regex else "/"
    return NextRoute(kind, regex, tuple(rank))


def _route_files(folder: Path) -> Iterator[tuple[list[str], Path, str]]:
    """Each route-suffixed file under `folder`, in a stable order: its folders below
    `folder`, its path and its stem (private and skipped folders left out)."""
    for directory, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if f not in _SKIPPED)
        parts = list(Path(directory).relative_to(folder).parts)
        for name in sorted(files):
            stem, suffix = os.path.splitext(name)
            if suffix in ROUTE_SUFFIXES:
                yield parts, Path(directory) / name, stem


def _app_routes(folder: Path) -> list[NextRoute]:
    routes = []
    for parts, file, stem in _route_files(folder):
        if stem not in {"route", "page"}:
            continue
        kind = PAGE
        if stem == "route":
            text = file.read_text("utf-8", errors="replace")
            kind = "handler-options" if _OPTIONS_EXPORT.search(text) else HANDLER
        route = _route(parts, kind)
        if route is not None:
            routes.append(route)
    return routes


# a Pages Router API handler whose first statement refuses every other method:
# `if (req.method !== 'PUT') { return res.status(405).json(...) }`; OPTIONS gets that status
_REFUSES_OTHER_METHODS = re.compile(
    r"export\s+default\s+(?:async\s+)?function\s*\w*\s*\(\s*(\w+)\s*,\s*(\w+)\s*\)\s*\{\s*"
    r"if\s*\(\s*\1\.method\s*!==?\s*['\"]([A-Z]+)['\"]\s*\)\s*\{?\s*return\s+\2\.status\((4\d\d)\)"
)
REFUSES = "pages-refuses-"  # `pages-refuses-405-PUT`: OPTIONS answered 405, the handler serves PUT


def _pages_api_kind(file: Path) -> str:
    try:
        text = file.read_text("utf-8", errors="replace")
    except OSError:
        return "pages-api"
    found = _REFUSES_OTHER_METHODS.search(text)
    if found is None or found.group(3) == "OPTIONS":
        return "pages-api"
    return f"{REFUSES}{found.group(4)}-{found.group(3)}"


def _pages_routes(folder: Path) -> list[NextRoute]:
    routes = []
    for parts, file, stem in _route_files(folder):
        if not parts and stem.startswith("_"):
            continue
        kind = _pages_api_kind(file) if parts[:1] == ["api"] else "pages-page"
        route = _route(parts if stem == "index" else [*parts, stem], kind)
        if route is not None:
            routes.append(route)
    return routes


def _first_folder(root: Path, name: str) -> Path | None:
    for folder in (root / name, root / "src" / name):
        if folder.is_dir():
            return folder
    return None


def read_routes(root: Path, config: JsModule) -> tuple[NextRoute, ...] | None:
    """The app's routes, most specific first; None when its routing cannot be read
    (`pageExtensions` changes which files are routes)."""
    if _config_key(config, "pageExtensions") is not None:
        return None
    routes: list[NextRoute] = []
    app = _first_folder(root, "app")
    pages = _first_folder(root, "pages")
    if app is None and pages is None:
        return None
    if app is not None:
        routes += _app_routes(app)
    if pages is not None:
        routes += _pages_routes(pages)
    return tuple(sorted(routes, key=lambda route: route.rank))


def _config_key(config: JsModule, key: str) -> Node | None:
    for node in config.of_kind("method_definition", "pair"):
        name = node.child_by_field_name("name") or node.child_by_field_name("key")
        if name is not None and config.text(name).strip("'\"") == key:
            return node
    return None


def _middleware_matchers(root: Path, config: JsModule) -> list[str] | None:
    """The `config.matcher` sources of the app's middleware (`middleware.ts`, `proxy.ts`),
    where it may answer or change a request: [] without one, None when they cannot be read
    (no matcher: every path)."""
    files = [folder / name for folder in (root, root / "src") for name in sorted(MIDDLEWARE_NAMES)]
    present = [file for file in files if file.is_file()]
    if not present:
        return []
    loader = config.project
    if len(present) > 1 or loader is None:
        return None
    module = loader.load(present[0], str(present[0]))
    exported = exported_value(module, "config") if module is not None else None
    matcher = exported.raw.get("matcher") if exported is not None and isinstance(exported.raw, dict) else None
    if matcher is None or not matcher.known:
        return None
    items = matcher.raw if isinstance(matcher.raw, tuple) else (matcher,)
    sources = [item.raw for item in items if item.known and isinstance(item.raw, str)]
    if len(sources) != len(items) or not all(_valid_source(source) for source in sources):
        return None
    return sources


def _passing_middleware(root: Path, config: JsModule, matcher: list[str] | None) -> list[str] | None:
    """Where the app's one middleware, writing no CORS header, answers requests itself
    (`next_middleware_passing`); None when it cannot be read so."""
    files = [folder / name for folder in (root, root / "src") for name in sorted(MIDDLEWARE_NAMES)]
    present = [file for file in files if file.is_file()]
    loader = config.project
    if len(present) != 1 or loader is None:
        return None
    module = loader.load(present[0], str(present[0]))
    return answering_entries(module, matcher) if module is not None else None


def _valid_source(source: str) -> bool:
    try:
        source_matches("next", source, "/")
    except ValueError:
        return False
    return source.startswith("/")


def _redirect_sources(config: JsModule) -> list[str] | None:
    """The `source` of every redirect (a redirect answers before any route); None when
    they cannot all be read."""
    node = _config_key(config, "redirects")
    if node is None:
        return []
    text = config.text(node)
    if "source" not in text:
        return []
    sources: list[str] = []
    for pair in config.of_kind("pair"):
        if not (node.start_byte <= pair.start_byte < node.end_byte):
            continue
        key = pair.child_by_field_name("key")
        value = pair.child_by_field_name("value")
        if key is None or value is None or config.text(key).strip("'\"") != "source":
            continue
        resolved = config.resolve(value)
        if not (resolved.known and isinstance(resolved.raw, str)):
            return None
        sources.append(resolved.raw)
    return sources if sources else None


def _rewrites_after_files(config: JsModule) -> bool | None:
    """Whether there are rewrites, and all of them run after the routes (`rewrites()`
    returning an array): True / False (none); None when some may run before them."""
    node = _config_key(config, "rewrites")
    if node is None:
        return False
    body = node.child_by_field_name("body") or node.child_by_field_name("value")
    if body is not None and body.type in {"arrow_function", "function_expression", "function"}:
        body = body.child_by_field_name("body")
    if body is None:
        return None
    returned = [unwrap(body)] if body.type != "statement_block" else []
    if body.type == "statement_block":
        returned = [
            unwrap(child.named_children[0])
            for child in body.named_children
            if child.type == "return_statement" and child.named_children
        ]
    return True if returned and all(node.type == "array" for node in returned) else None


def options_answers(
    root: Path, config: JsModule, modelled_middleware: bool = False
) -> tuple[str, ...] | None:
    """The `KIND REGEX` entries the model answers OPTIONS from (None: unknown everywhere);
    `modelled_middleware`: for the middleware's own model, which adds what it does."""
    middleware: list[str] = []
    if not modelled_middleware:
        covered = _middleware_matchers(root, config)
        passing = _passing_middleware(root, config, covered)
        if passing is None and covered is None:
            return None
        middleware = passing if passing is not None else [f"middleware {source}" for source in covered or []]
    routes = read_routes(root, config)
    redirects = _redirect_sources(config)
    rewrites = _rewrites_after_files(config)
    if routes is None or redirects is None or rewrites is None:
        return None
    entries = [*middleware, *(f"redirect {_redirect_regex(source)}" for source in redirects)]
    entries += [f"{route.kind} {route.regex}" for route in routes]
    # where no route is, next start answers 404 (measured), unless a file in public/, a
    # generated one, or an afterFiles rewrite serves the path: not settled from the tree
    entries.append("fallback ?")
    return tuple(entries)


def _redirect_regex(source: str) -> str:
    """Paths a redirect may take: its literal prefix up to the first parameter, which
    over-covers (an over-covered path is only left unanswered)."""
    prefix = re.split(r"[:(*{]", source, maxsplit=1)[0]
    return re.escape(prefix) + ".*" if prefix != source else re.escape(source) + "/?"


def handler_probe(source: str, probe: str, answers: tuple[str, ...] | None, platform: str = "next") -> str:
    """A probe path for a rule that lands on a route handler Next.js answers OPTIONS for
    itself (the current probe when it does), so a preflight there is judged; `platform`
    matches `source` (`vercel`: SvelteKit's routes behind vercel.json, `vercel_sveltekit`)."""
    if not answers or next_options_status(answers, probe) == NEXT_OWN_OPTIONS_STATUS:
        return probe
    # a route handler Next.js answers for; else a Pages Router handler that refuses OPTIONS
    # with the status it sends, one serving a method that is always preflighted first
    preference = (HANDLER, *(f"-{method}" for method in ("PUT", "PATCH", "DELETE", "POST", "GET")))
    for wanted in preference:
        for entry in answers:
            kind, _, regex = entry.partition(" ")
            if kind != wanted and not (kind.startswith(REFUSES) and kind.endswith(wanted)):
                continue
            example = _example(regex)
            try:
                matched = source_matches(platform, source, example)
            except ValueError:
                return probe
            status = next_options_status(answers, example) if matched else None
            if status is not None and (wanted != HANDLER or status == NEXT_OWN_OPTIONS_STATUS):
                return example
    return probe


def route_example(parts: list[str]) -> str | None:
    """A request path the App Router folder `parts` serves; None for a private folder."""
    route = _route(parts, HANDLER)
    return _example(route.regex) if route is not None else None


def _example(regex: str) -> str:
    """A path a route's regex matches (`/api/[^/]+` -> `/api/1`)."""
    regex = regex.rpartition("|")[2] if regex.startswith("/|") else regex
    text = regex.replace("(?:/.+)?", "").replace("/[^/]+", "/1").replace("/.+", "/x")
    return re.sub(r"\\(.)", r"\1", text) or "/"


_AUTHORIZATION_READ = re.compile(r"""headers(?:\(\))?\.get\(\s*['"`]authorization['"`]\s*\)""", re.IGNORECASE)


def bearer_evidence(root: Path, display_root: str) -> tuple[Evidence, ...]:
    """Where the app's code reads the Authorization request header (`request.headers.get(
    'authorization')`, the Fetch API form route handlers use), for CORS204."""
    for file in project_files(root):
        try:
            text = file.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        found = _AUTHORIZATION_READ.search(text)
        if found is None:
            continue
        line = text.count("\n", 0, found.start()) + 1
        display = str(PurePosixPath(display_root) / file.relative_to(root).as_posix())
        return (Evidence("bearer-auth", "the Authorization header", Location.point(display, line)),)
    return ()
