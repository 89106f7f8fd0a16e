"""A hand-written CORS middleware defined in its own module and registered by the app
module (or its own) before or after the app's `cors()`: `app.use(credentials); app.use(cors(corsOptions))`, with
`credentials` from `middleware/credentials.js` setting Allow-Origin and Allow-Credentials
for listed origins (the MERN tutorial's layout; SebastianLuth/api-yayasanICH, KoveDes/
workoutTracker). It passes every request on, so the later `cors()` answers the preflights
(a CORS206 on the middleware would be false) and adds `Vary: Origin` to what it lets through
(a CORS107 would be false), and the two are layers of one app (CORS302)."""

from __future__ import annotations

from collections.abc import Iterator

from corslint.extractors.express.bound_cors_calls import cors_call_of
from corslint.extractors.express.registrations import (
    Analysis,
    Registration,
    app_key,
    find_cors_names,
    find_registrations,
)
from corslint.extractors.express.routes import covers_every_path
from corslint.extractors.express.shared_middleware_routes import using_importers
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import names_file
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Location


def later_cors_layer(module: JsModule, function: Node) -> tuple[str, Location, Location] | None:
    """The app (its CORS302 key), the registration of `module`'s middleware in the app
    module that `.use`s it and the `cors()` call that follows, when that `cors()`,
    registered later on that app for every path, answers what the middleware passes on;
    None otherwise."""
    for analysis, registration in _registrations_of(module, function):
        later = later_cors_call(analysis, registration)
        if later is not None:
            return app_key(analysis.module, registration), analysis.module.location(registration.call), later
    return None


def earlier_cors_layer(module: JsModule, function: Node) -> tuple[str, Location, Location, bool] | None:
    """As `later_cors_layer`, for a `cors()` registered before the middleware on that app
    (`app.use(cors(corsOptions)); app.use(credentials)`): it answers every preflight, and
    whether it sends `Vary: Origin` first."""
    for analysis, registration in _registrations_of(module, function):
        earlier = earlier_cors_call(analysis, registration)
        if earlier is not None:
            location = analysis.module.location(registration.call)
            return app_key(analysis.module, registration), location, earlier[0], earlier[1]
    return None


def _registrations_of(module: JsModule, function: Node) -> Iterator[tuple[Analysis, Registration]]:
    """Each app-wide `.use` of `function`, `module`'s middleware, in the modules that
    import it: under the module itself (`module.exports = credentials`, a default export)
    or under the function's own name, not under another export of the same module."""
    if module.file is None or module.project is None:
        return
    own = module.file.resolve()
    bound = _bound_names(module, function)
    for importer in using_importers(module) or ():
        names = {
            local
            for local, (specifier, exported) in importer.imports.items()
            if (exported in {"*", "default"} or exported in bound)
            and (resolved := module.project.resolve_specifier(importer, specifier)) is not None
            and names_file(resolved, own)
        }
        analysis = Analysis(importer)
        find_cors_names(analysis)
        find_registrations(analysis)
        for registration in analysis.registrations:
            if registration.method != "use" or not covers_every_path(registration.path):
                continue
            passed = [unwrap(argument) for argument in registration.arguments]
            if any(node.type == "identifier" and importer.text(node) in names for node in passed):
                yield analysis, registration


def _bound_names(module: JsModule, function: Node) -> set[str]:
    """The names `function` is declared under (`const credentials = (req, res, next) =>`,
    `function credentials(req, res, next)`)."""
    names: set[str] = set()
    node: Node | None = function
    while node is not None and node.type not in {"program", "statement_block"}:
        if node.type in {"variable_declarator", "function_declaration"}:
            name = node.child_by_field_name("name")
            if name is not None:
                names.add(module.text(name))
        node = node.parent
    return names


def later_cors_call(analysis: Analysis, registration: Registration) -> Location | None:
    """The `cors()` registered after `registration`, on the same app, for every path: it
    answers the preflights a middleware passes on, and adds `Vary: Origin` to what it lets
    through (unless its origin is the default `*`, which replaces the Allow-Origin)."""
    if registration.method != "use" or not covers_every_path(registration.path):
        return None
    found = _app_wide_cors(analysis, registration, after=True)
    return found[0].location(found[1]) if found is not None else None


def earlier_cors_call(analysis: Analysis, registration: Registration) -> tuple[Location, bool] | None:
    """The `cors()` registered before `registration`, on the same app, for every path, and
    whether it sends `Vary: Origin`: it answers every preflight itself (the middleware never
    sees one), and on other requests adds `Vary: Origin` first unless its origin is `*`."""
    if registration.method != "use":
        return None
    found = _app_wide_cors(analysis, registration, after=False)
    if found is None:
        return None
    home, call = found
    options = _options_of(home, call)
    if options is None or options.get("preflightContinue", False) is not False:
        return None  # the middleware may see preflights after all
    return home.location(call), options.get("origin", "*") not in ("*", UNKNOWN)


def app_wide_cors_before(analysis: Analysis, registration: Registration) -> Node | None:
    """The first `cors()` `.use`d for every path on `registration`'s app before it, whatever
    its options."""
    found = _app_wide_cors(analysis, registration, after=False)
    return found[1] if found is not None else None


def _app_wide_cors(
    analysis: Analysis, registration: Registration, *, after: bool
) -> tuple[JsModule, Node] | None:
    """The first `cors()` call `.use`d for every path on `registration`'s app, after it or
    before it, with the module holding it (`app.use(corsMiddleware)` of an imported
    `module.exports = cors(options)`: `cors_call_of`)."""
    start = registration.call.start_byte
    for other in analysis.registrations:
        if (
            other.method == "use"
            and other.receiver == registration.receiver
            and (other.call.start_byte > start if after else other.call.start_byte < start)
            and covers_every_path(other.path)
        ):
            for argument in other.arguments:
                found = cors_call_of(analysis, argument)
                if found is not None:
                    return found
    return None


def _options_of(module: JsModule, call: Node) -> dict[str, object] | None:
    """The literal options a `cors(...)` call passes (`{}` for none); None when unknown."""
    named = call_arguments(call)
    if not named:
        return {}
    value = module.resolve(named[0])
    if not value.known or not isinstance(value.raw, dict):
        return None
    found: dict[str, object] = {}
    for key, item in value.raw.items():
        if not item.known:
            found[key] = UNKNOWN
        elif isinstance(item.raw, (str, bool, int, float)) or item.raw is None:
            found[key] = item.raw
        else:
            found[key] = item  # a list, a RegExp, a function: known, and not `*`
    return found


UNKNOWN = object()
