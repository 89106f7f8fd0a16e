"""A hand-written CORS middleware defined in its own module and registered by the app
module (or its own) before the app's `cors()`: `app.use(credentials); app.use(cors(corsOptions))`, with
`credentials` from `middleware/credentials.js` setting Allow-Origin and Allow-Credentials
for listed origins (the MERN tutorial's layout; SebastianLuth/api-yayasanICH, KoveDes/
workoutTracker). It passes every request on, so the later `cors()` answers the preflights
(a CORS206 on the middleware would be false) and adds `Vary: Origin` to what it lets through
(a CORS107 would be false), and the two are layers of one app (CORS302)."""

from __future__ import annotations

from corslint.extractors.express.registrations import (
    Analysis,
    Registration,
    app_key,
    find_cors_names,
    find_registrations,
    is_cors_call,
)
from corslint.extractors.express.routes import covers_every_path
from corslint.extractors.express.shared_middleware_routes import using_importers
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import unwrap
from corslint.model import Location


def later_cors_layer(module: JsModule) -> tuple[str, Location, Location] | None:
    """The app (its CORS302 key), the registration of `module`'s middleware in the app
    module that `.use`s it and the `cors()` call that follows, when that `cors()`,
    registered later on that app for every path, answers what the middleware passes on;
    None otherwise."""
    if module.file is None or module.project is None:
        return None
    own = module.file.resolve()
    for importer in using_importers(module) or ():
        names = {
            local
            for local, (specifier, _) in importer.imports.items()
            if (resolved := module.project.resolve_specifier(importer, specifier)) is not None
            and resolved.resolve() == own
        }
        analysis = Analysis(importer)
        find_cors_names(analysis)
        find_registrations(analysis)
        for registration in analysis.registrations:
            if registration.method != "use" or not covers_every_path(registration.path):
                continue
            passed = [unwrap(argument) for argument in registration.arguments]
            if not any(node.type == "identifier" and importer.text(node) in names for node in passed):
                continue
            later = later_cors_call(analysis, registration)
            if later is not None:
                return app_key(importer, registration), importer.location(registration.call), later
    return None


def later_cors_call(analysis: Analysis, registration: Registration) -> Location | None:
    """The `cors()` registered after `registration`, on the same app, for every path: it
    answers the preflights a middleware passes on, and adds `Vary: Origin` to what it lets
    through (unless its origin is the default `*`, which replaces the Allow-Origin)."""
    if registration.method != "use" or not covers_every_path(registration.path):
        return None
    for later in analysis.registrations:
        if (
            later.method == "use"
            and later.receiver == registration.receiver
            and later.call.start_byte > registration.call.start_byte
            and covers_every_path(later.path)
        ):
            for argument in later.arguments:
                if is_cors_call(analysis, argument):
                    return analysis.module.location(argument)
    return None
