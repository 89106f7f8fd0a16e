"""apollo-server-lambda 2's ``server.createHandler({ cors })`` (read from 2.6.7 and 2.26.2
``dist/ApolloServer.js`` and run, tests/test_differential_apollo_lambda2.py; the
apollo-server-cloud-functions 2 handler has the same code, but for ``origin`` any boolean).

Its own code, not the cors package:

- once, from the options: ``methods``, ``allowedHeaders`` and ``exposedHeaders`` (a string
  as it is, an array joined with ``,``), ``credentials`` (truthy: ``true``) and ``maxAge``
  (a number) become headers sent on every answer, preflight or not (the model keeps
  Allow-Methods, Allow-Headers and Max-Age on preflights: no browser reads them elsewhere);
- per request, only when ``cors.origin`` is truthy: a string is copied into Allow-Origin
  as it is (``*`` too, beside the credentials header); for a boolean, or an array that
  ``includes()`` the request's Origin, that Origin is reflected; without ``allowedHeaders``
  the request's ``Access-Control-Request-Headers`` is echoed;
- an OPTIONS request is answered 204 with those headers; other requests go to GraphQL,
  whose answer carries them.

No ``Vary`` is ever sent, no Allow-Methods unless ``methods`` is given, and the
``headers``, ``optionsSuccessStatus`` and ``preflightContinue`` options of the cors package
are not read. Settings that send no Allow-Origin at all (``cors: true``, no ``origin``, a
RegExp or function) make no policy (extractors/express/apollo_lambda2.py)."""

from __future__ import annotations

import dataclasses
from typing import Any

from corslint.frameworks.express import FRAMEWORK as CORS_PACKAGE
from corslint.frameworks.express import defaults_reader, js_string, literal_origin_entries, truthy
from corslint.frameworks.framework import LibraryCheck, Options
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy

_read = defaults_reader({})
_LISTS = (
    ("methods", "Access-Control-Allow-Methods"),
    ("allowedHeaders", "Access-Control-Allow-Headers"),
    ("exposedHeaders", "Access-Control-Expose-Headers"),
)
PREFLIGHT_STATUS = 204
# on every answer in the package; the model keeps them on preflights only, as rules read
# Allow-Headers on other answers as what some other preflight answerer copies
PREFLIGHT_ONLY = ("Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age")
_NO_CHECKS: tuple[LibraryCheck, ...] = ()


def respond(policy: CorsPolicy, request: Request) -> Response:
    options = Options(policy, _read)
    headers = HeaderList()
    for name, header in _LISTS:
        value = options[name]
        if truthy(value) and isinstance(value, (str, tuple, list)):
            headers.set(header, value if isinstance(value, str) else ",".join(js_string(v) for v in value))
    if truthy(options["credentials"]):
        headers.set("Access-Control-Allow-Credentials", "true")
    max_age = options["maxAge"]
    if isinstance(max_age, (int, float)) and not isinstance(max_age, bool):
        headers.set("Access-Control-Max-Age", js_string(max_age))
    origin: Any = options["origin"]
    if truthy(origin):
        if isinstance(origin, str):
            headers.set("Access-Control-Allow-Origin", origin)
        elif request.origin and (
            isinstance(origin, bool) or (isinstance(origin, (tuple, list)) and request.origin in origin)
        ):
            headers.set("Access-Control-Allow-Origin", request.origin)
        requested = request.header("access-control-request-headers")
        if not truthy(options["allowedHeaders"]) and requested:
            headers.set("Access-Control-Allow-Headers", requested)
    if request.method.upper() == "OPTIONS":
        return headers.response(PREFLIGHT_STATUS)
    for name in PREFLIGHT_ONLY:  # sent, but read by no browser on an answer that is no preflight
        headers.remove(name)
    return headers.response(None)


FRAMEWORK = dataclasses.replace(
    CORS_PACKAGE,
    name="apollo_lambda",
    display="Apollo Server 2's serverless handler CORS (createHandler)",
    unread_options="the `cors` setting of the Apollo Server 2 handler's createHandler()",
    respond=respond,
    responder=None,
    # the cors package's `headers` alias is not read
    roles={**CORS_PACKAGE.roles, "headers": ("allowedHeaders",)},
    # strings compared with `includes()`: a RegExp entry matches nothing, `*` in a list too
    origin_entries=literal_origin_entries,
    library_checks=lambda policy: _NO_CHECKS,
)
