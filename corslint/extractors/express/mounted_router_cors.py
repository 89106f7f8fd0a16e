"""A route of an exported `Router()` whose handler writes CORS headers itself, mounted by
the app module after an app-wide `cors()`:

    // server.js
    app.use(cors({ origin: (origin, cb) => cb(null, true), credentials: true }));
    app.use("/session", sessionRoutes);
    // routes/session.js
    router.post("/", (req, res) => { res.header("Access-Control-Allow-Origin", req.headers.origin); ... });

(Mcbeer/frdige-spy `backend/src/index.ts` + `backend/src/services/authentication.service.ts`).
The app's `cors()` answers every preflight before the router sees one, and has already
set `Vary: Origin` (and its own Allow-Origin) on what it lets through, so the route's
headers say nothing of preflights or of Vary (measured with cors 2.8.5). Only a `cors()`
that lets every Origin through is read so: one that refuses some passes their requests on
to the route without any of its headers."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from corslint.extractors.express.imported_middleware import app_wide_cors_before, earlier_cors_call
from corslint.extractors.express.origin_functions import classified_origin
from corslint.extractors.express.registrations import (
    Analysis,
    Registration,
    app_key,
    find_cors_names,
    find_registrations,
)
from corslint.extractors.express.shared_middleware_routes import using_importers
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import names_file
from corslint.extractors.js.syntax import unwrap
from corslint.model import FunctionValue, HeaderReflection, Location, Value


def cors_before_router(analysis: Analysis, route: Registration) -> tuple[str, Location, bool] | None:
    """The app (its CORS302 key), the app-wide `cors()` registered before the `.use` that
    mounts the route's router, and whether that `cors()` sends `Vary: Origin`; None when
    the route's receiver is no exported router mounted that way."""
    if route.method == "use":
        return None
    for mounting, registration in _mounts(analysis.module, route.receiver):
        earlier = earlier_cors_call(mounting, registration)
        if earlier is not None and _reflects_every_origin(mounting, earlier[0]):
            return app_key(mounting.module, registration), earlier[0], earlier[1]
    return None


def preflights_ended_before_router(analysis: Analysis, route: Registration) -> Location | None:
    """The app-wide `cors()` (preflightContinue off, any origin option) registered before the
    `.use` that mounts the route's router: it ends every preflight it lets through, and the
    ones it refuses reach no route handler (Express answers OPTIONS itself), so the route's
    own Allow-Methods / Allow-Headers never reach a preflight (census 10 C3,
    ABDmalik6605/InvoiceManagementSystem routes/ai.js under server.js's `app.use(corsMiddleware)`)."""
    if route.method == "use":
        return None
    for mounting, registration in _mounts(analysis.module, route.receiver):
        earlier = earlier_cors_call(mounting, registration)
        if earlier is not None:
            return earlier[0]
    return None


def _mounts(module: JsModule, receiver: str) -> Iterator[tuple[Analysis, Registration]]:
    """Each `.use` of an importing module that mounts the exported router `receiver`
    (`app.use("/session", sessionRoutes)`), with that module's analysis."""
    if "." in receiver or module.file is None or module.project is None:
        return
    exports = _router_exports(module, receiver)
    if not exports:
        return
    own = module.file.resolve()
    for importer in using_importers(module) or ():
        names = {
            local
            for local, (specifier, exported) in importer.imports.items()
            if exported in exports
            and (resolved := module.project.resolve_specifier(importer, specifier)) is not None
            and names_file(resolved, own)
        }
        if not names:
            continue
        mounting = Analysis(importer)
        find_cors_names(mounting)
        find_registrations(mounting)
        for registration in mounting.registrations:
            passed = [unwrap(argument) for argument in registration.arguments]
            if registration.method == "use" and any(
                node.type == "identifier" and importer.text(node) in names for node in passed
            ):
                yield mounting, registration


@dataclass(frozen=True)
class OuterMount:
    """Where an exported router reaches an app that `.use`s `cors()` before mounting it."""

    app: str  # the app's CORS302 key
    analysis: Analysis  # the module that mounts it on that app
    mount: Registration  # the `.use` that mounts it (or the router holding it)


def outer_cors_app(analysis: Analysis, registration: Registration) -> str | None:
    """The app key of the app an exported router is mounted on (through routers that are
    mounted in turn), when that app `.use`s a `cors()` for every path before the mount:
    the router's own `router.use(cors(...))` is then a second layer of that app (CORS302).
    Measured with cors 2.8.6 on express 5 (automatisch `routes/webhooks.js` under
    `app.use(cors(corsOptions))` in `app.js`, mounted through `routes/index.js`): the app's
    `cors()` answers every preflight, and on other requests the router's replaces its
    Allow-Origin and keeps its Allow-Credentials."""
    outer = outer_cors_mount(analysis, registration)
    return outer.app if outer is not None else None


def outer_cors_mount(analysis: Analysis, registration: Registration, depth: int = 3) -> OuterMount | None:
    """As `outer_cors_app`, with the mount itself: a hand-written middleware the router
    `.use`s is then passed only what that `cors()` lets through (`earlier_cors_call`)."""
    for mounting, mount in _mounts(analysis.module, registration.receiver):
        if app_wide_cors_before(mounting, mount) is not None:
            return OuterMount(app_key(mounting.module, mount), mounting, mount)
        outer = outer_cors_mount(mounting, mount, depth - 1) if depth > 0 else None
        if outer is not None:
            return outer
    return None


def echo_adds_nothing(analysis: Analysis, route: Registration, steps: Mapping[str, Value]) -> bool:
    """Whether the route only writes again what the app's `cors()` (reflecting every Origin)
    has already sent: the Origin echoed as Allow-Origin, `Access-Control-Allow-Credentials:
    true` where `cors()` sends it too, `Vary: Origin`. Its response is then that `cors()`'s,
    judged there (Mcbeer/frdige-spy: CORS105 on the route beside CORS101 on `cors()`)."""
    mounted = cors_before_router(analysis, route)
    if mounted is None:
        return False
    credentials = _cors_option(analysis.module.project, mounted[1], "credentials")
    for name, step in steps.items():
        if not (step.known and isinstance(step.raw, dict)):
            return False
        value, when = step.raw.get("value"), step.raw.get("when")
        if name == "end":
            continue
        if value is None or not value.known or not _unconditional(when):
            return False
        header = name.split(" #", 1)[0].lower()
        if header == "access-control-allow-origin":
            if not (isinstance(value.raw, HeaderReflection) and value.raw.source == "origin"):
                return False
        elif header == "access-control-allow-credentials":
            if str(value.raw).lower() != "true" or credentials is not True:
                return False
        elif header == "vary":
            if str(value.raw).strip().lower() != "origin":
                return False
        else:
            return False
    return True


def _unconditional(when: Value | None) -> bool:
    """No test but the route's own method (`METHOD:POST`) guards the write."""
    if when is None or not when.known or not when.raw:
        return when is None or when.known
    return all(isinstance(test.raw, str) and test.raw.startswith("METHOD:") for test in when.raw)


def _cors_option(project: object, location: Location, name: str) -> object:
    """A literal option of the `cors()` call at `location` (None when unknown)."""
    home = getattr(project, "loaded", lambda _path: None)(location.path)
    if home is None:
        return None
    options = _options_at(home, location)
    item = options.raw.get(name) if options is not None and isinstance(options.raw, dict) else None
    return item.raw if isinstance(item, Value) and item.known else None


def _options_at(module: JsModule, location: Location) -> Value | None:
    """The options object of the `cors(...)` call at `location` (None unless one object)."""
    call = next(
        (node for node in module.of_kind("call_expression") if module.location(node) == location), None
    )
    named = call_arguments(call) if call is not None else []
    if len(named) != 1:
        return None
    options = module.resolve(named[0])
    return options if options.known and isinstance(options.raw, dict) else None


def _reflects_every_origin(analysis: Analysis, location: Location) -> bool:
    """Whether the `cors()` at `location` lets every Origin through with its own headers
    (`origin: true`, or a callback that always allows): a narrower one passes the origins
    it refuses on to the route bare, without its Vary."""
    module = analysis.module
    options = _options_at(module, location)
    if options is None or "origin" not in options.raw:
        return False
    origin = classified_origin(module, options.raw["origin"])
    return origin.known and (
        origin.raw is True or (isinstance(origin.raw, FunctionValue) and origin.raw.kind == "reflect-all")
    )


def _router_exports(module: JsModule, receiver: str) -> frozenset[str]:
    """The names importers reach `const router = express.Router()` (or `Router()`) by: the
    module itself (`module.exports = router`, `export default router`: `*` and `default`),
    or a name (`module.exports = { sessionRoutes: router }`, `exports.x = router`,
    `export { router as x }`; Mcbeer/frdige-spy `authentication.service.ts`)."""
    bound = module.binding(receiver)
    if bound is None or unwrap(bound).type != "call_expression":
        return frozenset()
    callee = module.text(unwrap(bound).child_by_field_name("function")).replace(" ", "")
    if callee not in {"Router", "express.Router"}:
        return frozenset()
    names: set[str] = set()
    for statement in module.root.named_children:
        text = " ".join(module.text(statement).split()).rstrip("; ")
        if text.replace(" ", "") in {f"module.exports={receiver}", f"exportdefault{receiver}"}:
            names.update({"*", "default"})
        elif (listed := _NAMED_EXPORT.fullmatch(text)) is not None:
            for entry in listed.group(1).split(","):
                names.update(_exported_name(entry.strip(), receiver))
        elif (found := _EXPORTS_MEMBER.fullmatch(text)) is not None and found.group(2) == receiver:
            names.add(found.group(1))
        elif _EXPORTED_DECLARATION.match(text) and unwrap(bound).parent is not None:
            declarator = unwrap(bound).parent
            if declarator.type == "variable_declarator" and statement.start_byte <= declarator.start_byte < (
                statement.end_byte
            ):
                names.add(receiver)  # `export const router = express.Router()`
    return frozenset(names)


_EXPORTED_DECLARATION = re.compile(r"export (?:const|let|var) ")
_NAMED_EXPORT = re.compile(r"(?:module\.exports ?= ?|export ?)\{([\w$:, ]*)\}")
_EXPORTS_MEMBER = re.compile(r"(?:module\.)?exports\.([\w$]+) ?= ?([\w$]+)")
_ENTRY = re.compile(r"([\w$]+)(?: ?: ?([\w$]+)| as ([\w$]+))?")


def _exported_name(entry: str, receiver: str) -> set[str]:
    """The name one entry of `{ ... }` exports `receiver` under: `router`, CommonJS
    `x: router`, ES `router as x`."""
    found = _ENTRY.fullmatch(entry)
    if found is None:
        return set()
    first, value, alias = found.groups()
    if value is not None:
        return {first} if value == receiver else set()
    return {alias or first} if first == receiver else set()


def credentials_from_cors(analysis: Analysis, location: Location) -> Value | None:
    """The `Access-Control-Allow-Credentials: true` the app's `cors()` at `location` sends
    before the route runs (its `credentials: true`), as a step of the route's headers."""
    if _cors_option(analysis.module.project, location, "credentials") is not True:
        return None
    return Value(
        {
            "value": Value("true", location),
            "writer": Value("set", location),
            "when": Value((), location),
        },
        location,
    )
