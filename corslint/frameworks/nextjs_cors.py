"""Next.js API routes + ``nextjs-cors`` (measured on nextjs-cors 2.2.1 with cors 2.8.6).

``await NextCors(req, res, options)`` runs the ``cors`` package's middleware on the route's
own request and response, and resolves when it calls ``next()``: what is sent is what
`frameworks.express` models for ``cors(options)``. Where ``cors`` answers, the preflight
ends there (the promise never resolves); where it passes the request on, the route's
handler answers. A request refused by an ``origin`` callback gets no Allow-Origin, so the
browser refuses it whatever the handler sends; with ``preflightContinue`` the handler
answers the preflight itself, and what it sends is not known here.
"""

from __future__ import annotations

import dataclasses

from corslint.frameworks.express import FRAMEWORK as CORS_PACKAGE
from corslint.frameworks.express import responder as cors_package_responder
from corslint.frameworks.express import truthy
from corslint.frameworks.framework import Responder
from corslint.http import Request, Response
from corslint.model import CorsPolicy, Provenance, UnresolvedValueError, Value

# what a port's call leaves unset is `undefined` (the package's defaults do not apply);
# `methods: ""` stands for the port's `if (opts.methods)` skipping Allow-Methods
PORT_DEFAULTS_FILL: dict[str, str | int | None] = {
    "methods": "",
    "allowedHeaders": None,
    "exposedHeaders": None,
    "credentials": None,
    "maxAge": None,
    "preflightContinue": None,
    "optionsSuccessStatus": 204,
}
# evidence on a call in a route's GET/POST/... export: the route's OPTIONS export answers
# preflights, calling the port too (detail PORT_PREFLIGHT) or not
PREFLIGHT_EXPORT = "preflight-export"
PORT_PREFLIGHT = "calls the port"
NEXT_OPTIONS_STATUS = 204  # Next.js's answer to OPTIONS on a route without an OPTIONS export


def respond(policy: CorsPolicy, request: Request) -> Response:
    return responder(policy)(request)


def responder(policy: CorsPolicy) -> Responder:
    answer = cors_package_responder(policy)
    option = policy.option("preflightContinue")
    handler_answers = option is not None and option.known and truthy(option.plain())

    def respond_to(request: Request) -> Response:
        if handler_answers and request.method.upper() == "OPTIONS":
            raise UnresolvedValueError(
                Value(
                    None,
                    policy.location,
                    Provenance.UNKNOWN,
                    description="what the API route answers to the preflights nextjs-cors passes on",
                )
            )
        return answer(request)

    return respond_to


FRAMEWORK = dataclasses.replace(
    CORS_PACKAGE,
    name="nextjs_cors",
    display="Next.js nextjs-cors (the cors package)",
    respond=respond,
    responder=responder,
    unread_options="the options passed to NextCors()",
)


def port_respond(policy: CorsPolicy, request: Request) -> Response:
    return port_responder(policy)(request)


def _as_the_port_reads(policy: CorsPolicy) -> CorsPolicy:
    """The options as the package would need them to send what the port sends: the port
    tests `credentials` for truthiness (the package wants `true`), sets Max-Age from a
    number only, and has no `headers` alias."""
    options = dict(policy.options)
    credentials, max_age = options.get("credentials"), options.get("maxAge")
    if credentials is not None and credentials.known and truthy(credentials.plain()):
        options["credentials"] = Value(True, credentials.location, related=credentials.related)
    if max_age is not None and max_age.known and not _number(max_age.plain()):
        options["maxAge"] = Value(None, max_age.location, related=max_age.related)
    if "headers" in options:
        options["headers"] = Value(None, options["headers"].location)
    return dataclasses.replace(policy, options=options)


def _number(raw: object) -> bool:
    return isinstance(raw, (int, float)) and not isinstance(raw, bool)


def port_responder(policy: CorsPolicy) -> Responder:
    answer = cors_package_responder(_as_the_port_reads(policy))
    methods = None if policy.routes is None else {m for route in policy.routes for m in route.methods}
    option = policy.option("preflightContinue")
    continues = option is not None and option.known and truthy(option.plain())
    exported = [evidence.detail for evidence in policy.evidence if evidence.kind == PREFLIGHT_EXPORT]

    def respond_to(request: Request) -> Response:
        method = request.method.upper()
        if methods is not None and method not in methods and exported != [PORT_PREFLIGHT]:
            if method != "OPTIONS" or exported:
                return Response(None)  # another export answers it
            return Response(NEXT_OPTIONS_STATUS)
        if not request.origin:
            return Response(None)  # the handler's response, untouched
        sent = answer(request)
        if method == "OPTIONS" and continues:
            # the response the OPTIONS export handed the port (its status recorded there)
            status = policy.option("optionsSuccessStatus")
            if status is None or not status.known or not _number(status.raw):
                return Response(None, sent.headers)
            return Response(int(status.raw), sent.headers)
        return sent

    return respond_to


PORT_FRAMEWORK = dataclasses.replace(
    CORS_PACKAGE,
    name="fetch_cors_port",
    display="The project's Fetch port of the cors package",
    respond=port_respond,
    responder=port_responder,
    unread_options="the options passed to the cors port",
)
FRAMEWORKS = (FRAMEWORK, PORT_FRAMEWORK)
