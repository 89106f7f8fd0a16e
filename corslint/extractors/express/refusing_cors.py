"""A hand-written middleware `.use`d after an app-wide `cors()` whose origin function refuses
unlisted origins with an error (`callback(new Error("not allowed"))`): Express hands that
error to the error handler and skips every later middleware, so the hand-written headers
reach only the listed origins and requests without an Origin (measured with express 5 and
cors 2.8: an unlisted Origin gets a 500 without CORS headers). Seen in
01Malek01/data-analysis-backend src/app.ts."""

from __future__ import annotations

from corslint.extractors.express.origin_functions import classified_origin
from corslint.extractors.express.registrations import Analysis, Registration, is_cors_call
from corslint.extractors.express.routes import covers_every_path
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.syntax import Node
from corslint.model import FunctionValue, Location, OriginFunction, Value

# the status Express's default error handler answers the refused request with
REFUSED_STATUS = 500


def refusing_origins(analysis: Analysis, registration: Registration) -> Value | None:
    """The allow-list of the app-wide `cors()` registered before `registration` when its
    origin function refuses every other Origin with an error and lets requests without one
    through; None otherwise (today's reading stands)."""
    if registration.method != "use":
        return None
    for other in analysis.registrations:
        if (
            other.method != "use"
            or other.receiver != registration.receiver
            or other.call.start_byte >= registration.call.start_byte
            or not covers_every_path(other.path)
        ):
            continue
        for argument in other.arguments:
            if is_cors_call(analysis, argument):
                return _refused_by(analysis, argument)
    return None


def _refused_by(analysis: Analysis, call: Node) -> Value | None:
    named = call_arguments(call)
    if not named:
        return None
    options = analysis.module.resolve(named[0])
    if not options.known or not isinstance(options.raw, dict) or "origin" not in options.raw:
        return None
    origin = classified_origin(analysis.module, options.raw["origin"])
    function = origin.raw if origin.known else None
    if not (
        isinstance(function, OriginFunction)
        and function.kind == "allow-list"
        and function.on_reject == "error"
        and function.no_origin == "allow"
        and function.allowed
        and all(entry.known for entry in function.allowed)
    ):
        return None
    return Value(FunctionValue("allow-list", function.allowed), origin.location)


def refusal_step(guard: Value, location: Location) -> Value:
    """The answer Express gives a request whose Origin the earlier `cors()` refused."""
    when = Value((Value("ORIGIN", location), Value("!ALLOWED", location)), location)
    return Value({"status": Value(REFUSED_STATUS, location), "when": when}, guard.location)
