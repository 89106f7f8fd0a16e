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
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from corslint.extractors.context import ProjectContext
from corslint.extractors.express.config_headers import config_steps, probe_path
from corslint.extractors.express.extractor import project_of
from corslint.extractors.express.next_config_overlap import overlapped_rule
from corslint.extractors.express.next_guarded_values import GuardedValue, guarded_value, pinned_by_guard
from corslint.extractors.express.next_header_helpers import helper_headers
from corslint.extractors.express.next_middleware_location import never_run_policy, routes_folder_elsewhere
from corslint.extractors.express.next_rewrite_reruns import rerun_sends_the_same, target_reruns
from corslint.extractors.express.next_routes import bearer_evidence, handler_probe, options_answers
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project import exported_value
from corslint.extractors.js.project_files import is_development_path, project_root
from corslint.extractors.js.syntax import Node, unwrap, walk
from corslint.frameworks.config_paths import source_matches
from corslint.frameworks.express_headers import HEADERS, next_options_status
from corslint.model import CorsPolicy, Extraction, HeaderReflection, Provenance, Value

MIDDLEWARE_STEMS = frozenset({"middleware", "proxy"})
_CANONICAL = {name.lower(): name for name in HEADERS}
_FUNCTIONS = frozenset({"function_declaration", "function_expression", "arrow_function", "method_definition"})
_METHOD_TEST = re.compile(r"""^\(?\s*\w+\.method\s*(===|==|!==|!=)\s*['"]OPTIONS['"]\s*\)?$""")
_PASSING_ON = frozenset({"NextResponse.next", "NextResponse.rewrite"})
_ANSWERING = frozenset({"NextResponse.json", "Response.json"})


@dataclass
class _Site:
    """One response the middleware returns, with the CORS headers it carries."""

    node: Node  # the returned expression
    headers: list[tuple[str, Value]]  # (canonical name, value), in order
    passes_on: bool
    status: Value | None  # an answer's status
    method: str  # "OPTIONS", "!OPTIONS" or ""
    method_if: Node | None = None  # the `if` whose method test decides `method`
    rewrite_target: str | None = None  # a rewrite's known path
    rewrites: bool = False
    written_for: str | None = None  # a path the writes are selected for (`if (pathname...)`)


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
        for site in _sites(module)
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
        probe_here = _tested_path(module, site.node) or site.written_for or routed
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
_PATH_TEST = re.compile(
    r"""\b\w*[pP]ath(?:name)?\s*===?\s*['"`](/[^'"`]*)['"`]"""
    r"""|\b\w*[pP]ath(?:name)?\.startsWith\(\s*['"`](/[^'"`]*)['"`]\s*\)"""
)


def _tested_path(module: JsModule, node: Node, outside: Node | None = None) -> str | None:
    """A path the site is reached for, when an `if` around it tests the pathname against a
    literal (`pathname === '/api/x'`, `pathname.startsWith('/api/')`): its probe path."""
    child, parent = node, node.parent
    while parent is not None and parent.type not in _FUNCTIONS:
        condition = parent.child_by_field_name("condition") if parent.type == "if_statement" else None
        holds_outside = outside is not None and parent.start_byte <= outside.start_byte < parent.end_byte
        if condition is not None and parent.child_by_field_name("consequence") == child and not holds_outside:
            found = _PATH_TEST.search(module.text(condition))  # `pathname === '/x'`
            text = module.text(condition)
            if found is not None and "||" not in text and "!" not in text:  # no negation
                exact, prefix = found.groups()
                return exact or (prefix + "x" if prefix.endswith("/") else prefix)
        child, parent = parent, parent.parent
    return None


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


def _add_steps(options: dict[str, Value], site: _Site, when: tuple[str, ...]) -> None:
    for name, value in site.headers:
        if isinstance(value.raw, GuardedValue):
            options["guard"] = value.raw.guard
            for arm, test in ((value.raw.listed, "ALLOWED"), (value.raw.other, "!ALLOWED")):
                arm_when = Value(tuple(Value(w, arm.location) for w in (*when, test)), arm.location)
                options[_slot(options, name)] = Value(
                    {"value": arm, "writer": Value("set", arm.location), "when": arm_when}, arm.location
                )
            continue
        step: dict[str, Value] = {"value": value, "writer": Value("set", value.location)}
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


def _rewritten_status(site: _Site, answers: tuple[str, ...] | None) -> int | None:
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


# -- the sites ------------------------------------------------------------------------


def _sites(module: JsModule) -> list[_Site]:
    sites = []
    for node in module.of_kind("return_statement"):
        if not node.named_children:
            continue
        returned = unwrap(node.named_children[0])
        site = _site(module, returned)
        if site is not None:
            site.method, site.method_if = _method_condition(module, node)
            sites.append(site)
    return sites


def _callee(module: JsModule, node: Node) -> tuple[str, Node | None]:
    """(`NextResponse.next`, its arguments) of a call or `new` expression."""
    if node.type == "call_expression":
        function = node.child_by_field_name("function")
        return (module.text(function) if function is not None else "", node.child_by_field_name("arguments"))
    if node.type == "new_expression":
        constructor = node.child_by_field_name("constructor")
        name = module.text(constructor) if constructor is not None else ""
        return (f"new {name}", node.child_by_field_name("arguments"))
    return "", None


def _site(module: JsModule, returned: Node, depth: int = 0) -> _Site | None:
    if returned.type == "identifier" and depth == 0:
        declaration = _declared(module, module.text(returned), returned)
        if declaration is None:
            return None
        site = _site(module, unwrap(declaration), depth + 1)
        if site is None:
            return None
        site.node = returned
        site.headers += _set_calls(module, module.text(returned), returned)
        calls = [
            call
            for call in module.of_kind("call_expression")
            if call.start_byte < returned.start_byte
            and module.text(call.child_by_field_name("function") or call).endswith(".headers.set")
        ]
        site.written_for = next(
            (path for call in calls if (path := _tested_path(module, call, returned)) is not None), None
        )
        return site
    name, arguments = _callee(module, returned)
    args = [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
    if name in _PASSING_ON:
        init = args[-1] if name == "NextResponse.next" and args else (args[1] if len(args) > 1 else None)
        site = _Site(returned, _init_headers(module, init, returned), True, None, "")
        if name == "NextResponse.rewrite" and args:
            site.rewrites = True
            site.rewrite_target = _rewrite_target(module, args[0], returned)
        return site
    if name in {"new NextResponse", "new Response"} or name in _ANSWERING:
        init = args[1] if len(args) > 1 else None
        return _Site(
            returned, _init_headers(module, init, returned), False, _status(module, init, returned), ""
        )
    return None


def _declared(module: JsModule, name: str, use: Node) -> Node | None:
    declarator = _declarator(module, name, use)
    return declarator.child_by_field_name("value") if declarator is not None else None


def _declarator(module: JsModule, name: str, use: Node) -> Node | None:
    """The last `const name = ...` before `use` in a block that holds it."""
    found = None
    for declarator in module.of_kind("variable_declarator"):
        key, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
        if key is None or value is None or module.text(key) != name or declarator.start_byte > use.start_byte:
            continue
        block = declarator.parent.parent if declarator.parent is not None else None
        if block is not None and block.start_byte <= use.start_byte < block.end_byte:
            found = declarator
    return found


def _init_headers(module: JsModule, init: Node | None, use: Node) -> list[tuple[str, Value]]:
    """The headers of a ResponseInit: an object literal of them, a variable holding one, or
    another response's `res.headers` (its set calls before `use`)."""
    if init is None or unwrap(init).type != "object":
        return []
    for pair in unwrap(init).named_children:
        key = pair.child_by_field_name("key") if pair.type == "pair" else pair
        if key is None or module.text(key).strip("'\"") != "headers":
            continue
        value = pair.child_by_field_name("value") if pair.type == "pair" else pair
        text = module.text(value)
        if text.endswith(".headers") and value.type == "member_expression":
            return _set_calls(module, text[: -len(".headers")], use)
        named = unwrap(value).type in {"identifier", "shorthand_property_identifier"}
        bound = module.binding(text) if named else None
        if bound is not None and unwrap(bound).type == "new_expression":  # `new Headers()`, then `.set`
            return _set_calls(module, text, use)
        if bound is not None and unwrap(bound).type == "call_expression":  # `setCorsHeaders()`
            return helper_headers(module, unwrap(bound), _set_calls) or []
        return _header_pairs(module.resolve(value))
    return []


def _header_pairs(headers: Value) -> list[tuple[str, Value]]:
    if not (headers.known and isinstance(headers.raw, dict)):
        return []
    found = []
    for key, value in headers.raw.items():
        name = _CANONICAL.get(str(key).strip().lower())
        if name is not None:
            found.append((name, value))
    return found


def _set_calls(module: JsModule, holder: str, use: Node) -> list[tuple[str, Value]]:
    """`holder.headers.set(name, value)` (or `holder.set` on a Headers object) before `use`,
    in the function that holds `use`."""
    scope = _function_of(use)
    declarator = _declarator(module, holder, use)
    block = declarator.parent.parent if declarator is not None and declarator.parent is not None else None
    found: list[tuple[str, Value]] = []
    for call in module.of_kind("call_expression"):
        if call.start_byte >= use.start_byte or _function_of(call) != scope:
            continue
        if (
            declarator is not None
            and block is not None
            and not (declarator.end_byte <= call.start_byte and call.end_byte <= block.end_byte)
        ):
            continue  # another variable of the same name
        function = call.child_by_field_name("function")
        text = module.text(function).replace(" ", "") if function is not None else ""
        if text not in {f"{holder}.headers.set", f"{holder}.set"}:
            continue
        arguments = call.child_by_field_name("arguments")
        args = [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
        if len(args) != 2:
            continue
        key = module.resolve(args[0])
        name = _CANONICAL.get(key.raw.strip().lower()) if key.known and isinstance(key.raw, str) else None
        if name is None:
            continue
        value = _header_value(module, args[1], call)
        if _conditional(module, call, use):
            pinned = pinned_by_guard(module, call, args[1])
            if pinned is not None and any(n == name and v.known and v.raw == pinned.raw for n, v in found):
                continue  # rewrites the value the header already has
            value = Value(
                None,
                value.location,
                Provenance.UNKNOWN,
                description=f"`{module.text(call)}`, written under a condition",
            )
        found.append((name, value))
    return found


def _conditional(module: JsModule, call: Node, use: Node) -> bool:
    """Whether an `if` around the write does not also hold the site. A test of the path
    (`pathname.startsWith('/api/')`) selects where it applies instead: the site's probe
    path is then one it admits (`_tested_path`)."""
    parent = call.parent
    while parent is not None and parent.type not in _FUNCTIONS:
        if parent.type == "if_statement" and not (parent.start_byte <= use.start_byte < parent.end_byte):
            condition = parent.child_by_field_name("condition")
            text = module.text(condition) if condition is not None else ""
            consequence = parent.child_by_field_name("consequence")
            in_consequence = consequence is not None and (
                consequence.start_byte <= call.start_byte < consequence.end_byte
            )
            if not (in_consequence and _path_only(text)):
                return True
        parent = parent.parent
    return False


def _path_only(condition: str) -> bool:
    """A condition that only tests the path against one literal."""
    found = _PATH_TEST.search(condition)
    text = condition.strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    if found is None or "!" in text:
        return False
    return re.fullmatch(r"[\w.?]*" + re.escape(found.group(0)), text) is not None


_ORIGIN_READ = re.compile(
    r"""^\w+\.headers\.get\(\s*['"`]origin['"`]\s*\)(?:\s*(?:\?\?|\|\|)\s*['"`][^'"`]*['"`])?$""",
    re.IGNORECASE,
)


def _header_value(module: JsModule, node: Node, use: Node) -> Value:
    """A written value; the request's Origin (`req.headers.get('origin')`, directly or
    through a variable) as the reflection it is."""
    guarded = guarded_value(
        module, node, use, _declared, lambda n: _ORIGIN_READ.match(module.text(n).strip()) is not None
    )
    if guarded is not None:
        return guarded
    node = unwrap(node)
    expression = node
    if node.type == "identifier":
        bound = _declared(module, module.text(node), use)
        expression = unwrap(bound) if bound is not None else node
    if _ORIGIN_READ.match(module.text(expression).strip()):
        return Value(HeaderReflection("reflect-all", source="origin"), module.location(node))
    return module.resolve(node)


def _status(module: JsModule, init: Node | None, at: Node) -> Value:
    if init is not None and unwrap(init).type == "object":
        for pair in unwrap(init).named_children:
            key = pair.child_by_field_name("key") if pair.type == "pair" else None
            if key is not None and module.text(key).strip("'\"") == "status":
                status = module.resolve(pair.child_by_field_name("value"))
                if status.known and isinstance(status.raw, int):
                    return Value(status.raw, module.location(at))
                return status
    return Value(200, module.location(at))


def _rewrite_target(module: JsModule, url: Node, use: Node) -> str | None:
    """The path a rewrite goes to: `url.pathname = '/api/send'` on the URL object before it."""
    url = unwrap(url)
    if url.type != "identifier":
        return None
    name = module.text(url)
    target = None
    for node in module.of_kind("assignment_expression"):
        left = node.child_by_field_name("left")
        if left is None or module.text(left).replace(" ", "") != f"{name}.pathname":
            continue
        if node.start_byte < use.start_byte and _function_of(node) == _function_of(use):
            value = module.resolve(node.child_by_field_name("right"))
            target = value.raw if value.known and isinstance(value.raw, str) else None
    return target


def _function_of(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None and parent.type not in _FUNCTIONS:
        parent = parent.parent
    return parent


def _method_condition(module: JsModule, returned: Node) -> tuple[str, Node | None]:
    """`OPTIONS` / `!OPTIONS` when a test of the request method decides that the return
    runs: an `if` around it, or an earlier `if (...OPTIONS) return` in a block around it."""
    child, parent = returned, returned.parent
    while parent is not None and parent.type not in _FUNCTIONS:
        if parent.type == "if_statement" and child != parent.child_by_field_name("condition"):
            consequence = parent.child_by_field_name("consequence") == child
            test = _method_test(module, parent, "consequence" if consequence else "alternative")
            if test is not None:
                return test, parent
        if parent.type == "statement_block":
            for statement in parent.named_children:
                if statement.start_byte >= child.start_byte:
                    break
                if statement.type == "if_statement" and statement.child_by_field_name("alternative") is None:
                    test = _method_test(module, statement, "alternative")
                    consequence = statement.child_by_field_name("consequence")
                    if test is not None and consequence is not None and _returns(consequence):
                        return test, statement
        child, parent = parent, parent.parent
    return "", None


def _method_test(module: JsModule, statement: Node, arm: str = "consequence") -> str | None:
    """The method the arm `arm` of an `if` runs for; with a conjunction (`path === '/x' &&
    req.method === 'OPTIONS'`) only its consequence is known to be OPTIONS-only."""
    condition = statement.child_by_field_name("condition")
    text = module.text(condition).strip() if condition is not None else ""
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    parts = [part.strip() for part in text.split("&&")] if "||" not in text else [text]
    tests = [found.group(1) for part in parts if (found := _METHOD_TEST.match(part)) is not None]
    if len(tests) != 1 or (len(parts) > 1 and tests[0] in {"!==", "!="}):
        return None
    test = "OPTIONS" if tests[0] in {"===", "=="} else "!OPTIONS"
    if arm == "consequence":
        return test
    return _negated(test) if len(parts) == 1 else None


def _negated(test: str) -> str:
    return test[1:] if test.startswith("!") else f"!{test}"


def _returns(block: Node) -> bool:
    if block.type == "return_statement":
        return True
    return any(node.type == "return_statement" for node in walk(block))
