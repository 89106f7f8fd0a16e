"""CORS headers a Next.js middleware writes (`middleware.ts`, renamed `proxy.ts` in Next 16),
judged as hand-written headers (framework `nextjs_middleware`).

A middleware answers by returning a response. Each `return` of one that carries
Access-Control-* headers is a *site*: `NextResponse.next({headers})` and
`NextResponse.rewrite(url, {headers})` pass the request on to the route (or the rewrite's
target) with those headers; `new NextResponse(body, {status, headers})`, `new Response(...)`
and `NextResponse.json(body, init)` answer it. A response held in a variable collects the
`res.headers.set(name, value)` calls made on it before it is returned, and `{headers:
res.headers}` copies them. A test of the request method around a site (`if (req.method
=== 'OPTIONS') return ...`) becomes the steps' `OPTIONS` / `!OPTIONS` condition; any other
test (the path, an environment variable) selects where the site applies, and each site is
judged as the answer where it does (one policy per passing-on site, the method's other
arm added). Seen in real code: umami-software/umami `docker/proxy.ts` (rewrite with
headers), fabianazh/portfolio `src/middleware.ts`, DeadHackDNA/firo-api-v2 `middleware.ts`,
sardarit-bd/white-cross-clinic-search-sever `middleware.js` (headers set on the response,
OPTIONS answered from them).

Measured on `next start` (next 16.5.0, docs/semantics/nextjs.md): the headers of every
kind of site are sent; a middleware's header replaces a `headers()` one of the same name,
and the other configured headers are added, to its own answers too; an OPTIONS request it
passes on to a route handler without an OPTIONS export gets Next.js's 204 with its
headers. Where `headers()` in next.config also sets CORS headers the paths of, OPTIONS
requests are left unanswered (the two are not merged here)."""

from __future__ import annotations

import itertools
from pathlib import Path, PurePosixPath

from corslint.extractors.context import ProjectContext
from corslint.extractors.express.config_headers import config_steps, probe_path
from corslint.extractors.express.extractor import project_of
from corslint.extractors.express.next_config_overlap import overlapped_rule
from corslint.extractors.express.next_guarded_values import GuardedValue
from corslint.extractors.express.next_middleware_location import never_run_policy, routes_folder_elsewhere
from corslint.extractors.express.next_middleware_sites import Site, middleware_sites, tested_path
from corslint.extractors.express.next_rewrite_reruns import rerun_sends_the_same, target_reruns
from corslint.extractors.express.next_routes import bearer_evidence, handler_probe, options_answers
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project import exported_value
from corslint.extractors.js.project_files import is_development_path, project_root
from corslint.frameworks.config_paths import source_matches
from corslint.frameworks.express_headers import next_options_status
from corslint.model import CorsPolicy, Extraction, Provenance, Value

MIDDLEWARE_STEMS = frozenset({"middleware", "proxy"})


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    if not is_next_middleware(path):
        return Extraction()
    module = project_of(context).module(path, text, Path(path))
    return Extraction(policies=tuple(middleware_policies(module)))


def is_next_middleware(path: str) -> bool:
    pure = PurePosixPath(path)
    return pure.stem in MIDDLEWARE_STEMS and pure.suffix in {".js", ".mjs", ".ts", ".mts", ".cjs"}


def middleware_policies(module: JsModule) -> list[CorsPolicy]:
    if not any(specifier == "next/server" for specifier, _ in module.imports.values()):
        return []
    sites = [
        site
        for site in middleware_sites(module)
        if any(name.startswith("Access-Control-") for name, _ in site.headers)
        and (site.passes_on or site.method == "OPTIONS" or _success(site.status))
    ]
    if not sites:
        return []
    routes_folder = routes_folder_elsewhere(module.file)
    if routes_folder is not None:  # a root middleware.ts beside src/app: never run
        located = next(value for name, value in sites[0].headers if name.startswith("Access-Control-"))
        return [never_run_policy(module, located, routes_folder)]
    matcher = _matcher(module)
    probe = probe_path(matcher) if matcher else "/"
    answers, configured = _project(module)
    root = project_root(module.file) if module.file is not None else None
    bearer = bearer_evidence(root, _display_root(module, root)) if root is not None else ()
    preflights = [site for site in sites if site.method == "OPTIONS" and not site.passes_on]
    # a preflight answer and the answer to the other methods behind the same method test
    paired = {
        id(site): preflight
        for site in sites
        for preflight in preflights
        if site.method == "!OPTIONS" and site.method_if is not None and site.method_if == preflight.method_if
    }
    policies = []
    shared = False  # one of the middleware's answers joins the headers() rule it overlaps
    for site in sites:
        if site in preflights and any(preflight is site for preflight in paired.values()):
            continue  # judged with the sites that answer the other methods
        if configured is None and site.method == "OPTIONS":
            continue  # its answer takes headers() ones the model cannot read
        options: dict[str, Value] = {}
        location = module.location(site.node)
        # where Next.js answers OPTIONS itself (`/api/:path*` over App Router handlers), a
        # handler's path, so the preflights the headers go out on are judged
        routed = handler_probe(matcher, probe, answers) if matcher and answers else probe
        probe_here = tested_path(module, site.node) or site.written_for or routed
        rerun = site.rewrites and target_reruns(module, site.rewrite_target)
        rerun = rerun and not rerun_sends_the_same(module, site, sites, configured, probe_here != routed)
        if rerun:
            # measured: the target path goes through the middleware and headers() again,
            # and what they set replaces the rewrite's headers
            options["condition"] = Value(None, location, Provenance.UNKNOWN, description=_RERUN)
            _add_steps(options, site, ("?",))
            configured_here: list[tuple[str, Value]] = []
        else:
            configured_here = configured or []
        for name, step in configured_here:
            options[_config_slot(options, name)] = step
            when = step.plain()["when"]
            if "?" in when and _applies(when, probe_here):
                options["condition"] = Value(None, step.location, Provenance.UNKNOWN, description=_PUSHED)
        preflight = paired.get(id(site))
        if preflight is not None and configured is not None:
            _add_steps(options, preflight, ("OPTIONS",))
        if not rerun:
            _add_steps(options, site, (site.method,) if site.method else ())
        if site.passes_on and not site.method and configured is not None and not rerun:
            target_status = _rewritten_status(site, answers)
            if target_status is not None:
                _end(options, Value(target_status, location), ("OPTIONS",))
            elif answers is not None and site.rewrite_target is None:
                options["next_options"] = Value(tuple(Value(entry, location) for entry in answers), location)
        located = next(value for name, value in site.headers if name.startswith("Access-Control-"))
        app = f"{module.path}::middleware@{location.line}:{location.column}"
        overlapped = (
            None if shared else overlapped_rule(_config_display(module, root), configured_here, probe_here)
        )
        if overlapped is not None:
            app, shared = overlapped, True
        policies.append(
            CorsPolicy(
                framework="nextjs_middleware",
                location=located.location,
                options=options,
                development_only=is_development_path(module.path),
                label=f"Next.js middleware ({PurePosixPath(module.path).name})",
                probe_path=probe_here,
                evidence=bearer,
                # each site answers other requests: no two are layers of one answer
                app=app,
            )
        )
    return policies


_RERUN = (
    "what the rewrite's target sends: Next.js passes it through the middleware and `headers()` again, "
    "over the rewrite's own headers"
)
_PUSHED = "the condition under which next.config adds headers for the same paths"


def _success(status: Value | None) -> bool:
    """An answer that is no error (a 429 or 401 with CORS headers is judged elsewhere)."""
    return status is not None and status.known and isinstance(status.raw, int) and 200 <= status.raw < 300


def _slot(options: dict[str, Value], name: str) -> str:
    if name not in options:
        return name
    return next(f"{name} #{i}" for i in itertools.count(2) if f"{name} #{i}" not in options)


def _applies(when: tuple[str, ...], path: str) -> bool:
    """Whether a headers() step's path pattern matches `path`."""
    sources = [atom[len("PATH:next:") :] for atom in when if atom.startswith("PATH:next:")]
    return all(source_matches("next", source, path) for source in sources)


def _config_slot(options: dict[str, Value], name: str) -> str:
    """A headers() value's slot: replayed in order, but not the middleware's own value,
    which the rules name (`NAME`, `NAME #2`): the config's findings are its own."""
    return next(f"{name} #config{i}" for i in itertools.count(1) if f"{name} #config{i}" not in options)


# a Fetch `Headers` write: the Origin of a request without one (`headers.get('origin')`,
# null) is sent as "null" (measured, tests/test_differential_next_middleware_helpers.py)
_FETCH_SET = "fetch-set"


def _add_steps(options: dict[str, Value], site: Site, when: tuple[str, ...]) -> None:
    for name, value in site.headers:
        if isinstance(value.raw, GuardedValue):
            options["guard"] = value.raw.guard
            for arm, test in ((value.raw.listed, "ALLOWED"), (value.raw.other, "!ALLOWED")):
                arm_when = Value(tuple(Value(w, arm.location) for w in (*when, test)), arm.location)
                options[_slot(options, name)] = Value(
                    {"value": arm, "writer": Value(_FETCH_SET, arm.location), "when": arm_when}, arm.location
                )
            continue
        step: dict[str, Value] = {"value": value, "writer": Value(_FETCH_SET, value.location)}
        if when:
            step["when"] = Value(tuple(Value(w, value.location) for w in when), value.location)
        options[_slot(options, name)] = Value(step, value.location)
    if not site.passes_on and site.status is not None:
        _end(options, site.status, when)


def _end(options: dict[str, Value], status: Value, when: tuple[str, ...]) -> None:
    location = status.location
    options[_slot(options, "end")] = Value(
        {"status": status, "when": Value(tuple(Value(w, location) for w in when), location)}, location
    )


def _rewritten_status(site: Site, answers: tuple[str, ...] | None) -> int | None:
    """What answers an OPTIONS request a rewrite passes to a known target (a route handler
    without an OPTIONS export: Next.js's 204, with the middleware's headers)."""
    if site.rewrite_target is None or answers is None:
        return None
    return next_options_status(answers, site.rewrite_target)


def _project(module: JsModule) -> tuple[tuple[str, ...] | None, list[tuple[str, Value]] | None]:
    """The app's routes (`next_routes`, this middleware being the one modelled) and the
    steps of the CORS headers next.config's `headers()` adds (None: not readable)."""
    root = project_root(module.file) if module.file is not None else None
    if root is None:
        return None, None
    present = [root / f"next.config.{suffix}" for suffix in _CONFIG_SUFFIXES]
    config_file = next((path for path in present if path.is_file()), None)
    loader = module.project
    if config_file is None or loader is None:
        return None, [] if config_file is None else None
    config = loader.load(config_file, str(PurePosixPath(_display_root(module, root)) / config_file.name))
    if config is None:
        return None, None
    return options_answers(root, config, modelled_middleware=True), config_steps(config)


def _config_display(module: JsModule, root: Path | None) -> str | None:
    """The project's next.config file as findings name it, None without one."""
    if root is None:
        return None
    config = next(
        (root / f"next.config.{s}" for s in _CONFIG_SUFFIXES if (root / f"next.config.{s}").is_file()), None
    )
    return None if config is None else str(PurePosixPath(_display_root(module, root)) / config.name)


def _display_root(module: JsModule, root: Path) -> str:
    """The project root as findings name it (the middleware's path without its part below)."""
    if module.file is None:
        return "."
    depth = len(module.file.resolve().relative_to(root.resolve()).parts)
    return str(PurePosixPath(module.path).parents[depth - 1])


_CONFIG_SUFFIXES = ("js", "mjs", "ts", "cjs", "mts", "cts")


def _matcher(module: JsModule) -> str:
    """The first path pattern of `config.matcher` ("" when none is readable: every path)."""
    config = exported_value(module, "config")
    if config is None or not (config.known and isinstance(config.raw, dict)):
        return ""
    matcher = config.raw.get("matcher")
    if matcher is None or not matcher.known:
        return ""
    raw = matcher.raw
    if isinstance(raw, tuple) and raw and raw[0].known:
        raw = raw[0].raw
    return raw if isinstance(raw, str) and raw.startswith("/") else ""
