"""A hand-written CORS middleware defined in its own module and registered by the app
module before the app's `cors()`: `app.use(credentials); app.use(cors(corsOptions))`, with
`credentials` from `middleware/credentials.js` setting Allow-Origin and Allow-Credentials
for listed origins (the MERN tutorial's layout; SebastianLuth/api-yayasanICH, KoveDes/
workoutTracker). It passes every request on, so the later `cors()` answers the preflights
(a CORS206 on the middleware would be false), and the two are layers of one app (CORS302)."""

from __future__ import annotations

from corslint.extractors.express.registrations import (
    Analysis,
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


def later_cors_layer(module: JsModule) -> tuple[str, Location] | None:
    """The app (its CORS302 key) and the registration of `module`'s middleware in the app
    module that `.use`s it, when a `cors()` registered later on that app, for every path,
    answers what the middleware passes on; None otherwise."""
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
            if any(
                later.method == "use"
                and later.receiver == registration.receiver
                and later.call.start_byte > registration.call.start_byte
                and covers_every_path(later.path)
                and any(is_cors_call(analysis, argument) for argument in later.arguments)
                for later in analysis.registrations
            ):
                return app_key(importer, registration), importer.location(registration.call)
    return None
