"""Where API Gateway answers every preflight of a Serverless service itself, from the
``cors`` setting of its ``http`` events: the Lambda results' own Allow-Headers and
Allow-Methods never reach a preflight (sweep 12 X3: tuwhoo/shop-nodejs-aws-serverless
product-service and import-service, each ``http`` event with ``cors: true`` or ``cors:
{ origin: '*' }``, whose ``formatJSONResponse`` writes ``Access-Control-Allow-Headers:
Content-Type`` on GET answers).

With ``cors`` on an ``http`` event, the Serverless Framework (v1-v3, compile/events/
api-gateway ``validate.js`` ``getCors`` and ``cors.js``) adds an OPTIONS method to the
resource with a MOCK integration: Allow-Origin the configured origin(s), Allow-Methods the
resource's methods and OPTIONS, Allow-Headers the configured list or the default
``Content-Type, X-Amz-Date, Authorization, X-Api-Key, X-Amz-Security-Token,
X-Amz-User-Agent`` (+ ``X-Amzn-Trace-Id`` in v3), Allow-Credentials only with
``allowCredentials``. The Lambda is never invoked for OPTIONS; the gateway's answer is
judged from the configuration by the service's own extraction.

Only where the whole service is read (service_routes.py: no include, no API of its own, no
plugin named for CORS, no route that could pass OPTIONS to a function), it deploys at least
one ``http`` event and every ``http`` event sets ``cors`` (no ``httpApi`` event), the
configuration is the Serverless Framework's, and no file importing the module starts a
server of its own (``.listen(``: a local Express copy of the API). Anything else: None."""

from __future__ import annotations

import os
from collections.abc import Iterable

from corslint.extractors.context import Memo
from corslint.extractors.serverless_framework.gateway_options import memo_of, service_config_of
from corslint.extractors.serverless_framework.service_routes import remembered_importers, remembered_service
from corslint.model import Evidence, Location, Value

_SERVERS = (b".listen(", b"createServer(")


def gateway_answers_preflights(handler_file: str, memo: Memo | None = None) -> Location | None:
    """The first `cors` event of the service deploying the Lambda code in `handler_file`
    (a handler or a result helper), when API Gateway answers every OPTIONS request of the
    service from `cors` settings; None when not known (see the module)."""
    found = service_config_of(handler_file)
    if found is None:
        return None
    config, reader = found
    service = remembered_service(config, reader, memo)
    if service is None or service.dialect != "serverless":
        return None
    events = [event for function in service.functions for event in function.events if event.kind]
    if not events or any(event.kind != "http" or not event.sets_cors for event in events):
        return None
    target = os.path.realpath(handler_file)
    if target not in service.handlers:
        importers = remembered_importers(os.path.dirname(service.config), target, memo)
        if not importers:
            return None
        if starts_a_server(importers):
            return None
    return events[0].location


def starts_a_server(importers: Iterable[str]) -> bool:
    """Whether one of a handler's importers starts a server of its own (`.listen(`,
    `createServer(`), or cannot be read: the handler may then answer outside API Gateway."""
    for importer in importers:
        try:
            with open(importer, "rb") as file:
                source = file.read()
        except OSError:
            return True
        if any(server in source for server in _SERVERS):
            return True
    return False


# `options_status` of hand-written code whose preflights another layer answers
# (extractors.express.route_preflights.ANSWERED_ELSEWHERE, rules.preflight_answers)
ANSWERED_ELSEWHERE = "answered-elsewhere"


def gateway_cors_status(module: object) -> Value | None:
    """`options_status` for the Lambda result code of the JS `module` (its `file` and
    `project`): answered elsewhere, at the service's first `cors` event, when
    `gateway_answers_preflights`."""
    file = getattr(module, "file", None)
    if file is None:
        return None
    at = gateway_answers_preflights(str(file), memo_of(getattr(module, "project", None)))
    return Value(ANSWERED_ELSEWHERE, at) if at is not None else None


# the evidence kind the cors package's model reads (frameworks.express.PREFLIGHT_ELSEWHERE)
PREFLIGHT_ELSEWHERE = "preflight-elsewhere"


def gateway_preflight_evidence(module: object) -> tuple[Evidence, ...]:
    """For a Lambda handler a library builds with its own CORS (apollo-server-lambda
    `server.createHandler({ cors })`) in the JS `module`: that API Gateway answers every
    OPTIONS request from `cors` (`gateway_answers_preflights`), so the library's preflight
    answers are never sent (sweep 12 Y2: contentkit/contentkit contentkit-auth)."""
    file = getattr(module, "file", None)
    if file is None:
        return ()
    at = gateway_answers_preflights(str(file), memo_of(getattr(module, "project", None)))
    if at is None:
        return ()
    detail = "API Gateway answers its OPTIONS requests itself, from `cors` on its http events"
    return (Evidence(PREFLIGHT_ELSEWHERE, detail, at),)
