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
