"""AWS CDK: the CORS API Gateway gets from `aws-cdk-lib` constructs in TypeScript/JavaScript.

Read from aws-cdk-lib's source (`aws-apigateway/lib/resource.ts` `addCorsPreflight`,
`cors.ts`; `aws-apigatewayv2/lib/http/api.ts`) and checked by synthesizing the fixture stacks
with aws-cdk-lib 2.278.0 (tests/test_differential_aws_cdk.py):

- ``aws_cdk_rest``: ``defaultCorsPreflightOptions`` of a ``RestApi`` / ``LambdaRestApi``
  (every resource of the API inherits it), of ``addResource(path, {...})``, or one
  ``resource.addCorsPreflight({...})``. Each becomes an ``OPTIONS`` method with a MOCK
  integration answering ``statusCode`` (default **204**) with static headers:
  ``Access-Control-Allow-Origin`` the **first** of ``allowOrigins`` (``Cors.ALL_ORIGINS`` is
  ``['*']``; ``*`` mixed with origins is refused at synth), ``Vary: Origin`` unless it is
  ``*``, and a response template that replaces it with the request's Origin when that equals
  one of the *other* entries exactly; ``-Allow-Headers`` ``allowHeaders`` or
  ``Cors.DEFAULT_HEADERS`` (Content-Type, X-Amz-Date, Authorization, X-Api-Key,
  X-Amz-Security-Token, X-Amz-User-Agent); ``-Allow-Methods`` ``allowMethods`` or
  ``Cors.ALL_METHODS`` (``ANY`` expands to it); ``-Allow-Credentials: true`` when
  ``allowCredentials`` is true, **also beside** ``*`` (CDK does not refuse it: credentialed
  requests then fail their preflight); ``-Max-Age`` ``maxAge`` in seconds, ``-1`` for
  ``disableCache``; ``-Expose-Headers`` ``exposeHeaders``. The other methods answer with what
  their integration (usually a Lambda proxy) sends: as for AWS SAM and the Serverless
  Framework, the model assumes it sends the same Allow-Origin / Allow-Credentials as the
  preflight.
- ``aws_cdk_http_api``: ``corsPreflight`` of an ``HttpApi`` (``aws-apigatewayv2``), copied into
  the API's ``CorsConfiguration`` with the same keys (``maxAge`` in seconds,
  ``CorsHttpMethod.ANY`` as ``*``): API Gateway answers preflights and adds the headers to every
  response itself, modelled as AWS SAM's ``CorsConfiguration`` (frameworks/aws_sam.py;
  AWS, "Configuring CORS for HTTP APIs": with CORS configured API Gateway answers preflight
  OPTIONS requests even without an OPTIONS route and ignores the integration's CORS headers,
  https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from corslint.frameworks.aws_sam import FRAMEWORKS as SAM_FRAMEWORKS
from corslint.frameworks.framework import Framework, OriginEntry
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy

ALL_METHODS = ("OPTIONS", "GET", "PUT", "POST", "DELETE", "PATCH", "HEAD")  # aws-apigateway/lib/util.ts
DEFAULT_HEADERS = (
    "Content-Type",
    "X-Amz-Date",
    "Authorization",
    "X-Api-Key",
    "X-Amz-Security-Token",
    "X-Amz-User-Agent",
)
DEFAULT_PREFLIGHT_STATUS = 204


def _text(item: Any) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    return str(item)


def _allow_origin(origins: tuple[str, ...], origin: str | None) -> str:
    """The first entry, or the request's Origin where it equals a later one (the MOCK
    integration's response template)."""
    if origin is not None and origin in origins[1:]:
        return origin
    return origins[0]


def respond_rest(policy: CorsPolicy, request: Request) -> Response:
    headers = HeaderList()
    origins = tuple(_text(o) for o in policy.plain_option("allowOrigins", ()))
    if not origins:
        return headers.response(None)  # refused at synth: nothing is deployed
    allow_origin = _allow_origin(origins, request.origin)
    credentials = policy.plain_option("allowCredentials") is True
    if request.method.upper() == "OPTIONS":
        allowed_headers = policy.plain_option("allowHeaders") or DEFAULT_HEADERS
        headers.set("Access-Control-Allow-Headers", ",".join(_text(h) for h in allowed_headers))
        headers.set("Access-Control-Allow-Origin", allow_origin)
        if origins[0] != "*":
            headers.set("Vary", "Origin")
        methods = tuple(_text(m) for m in policy.plain_option("allowMethods") or ALL_METHODS)
        headers.set("Access-Control-Allow-Methods", ",".join(ALL_METHODS if "ANY" in methods else methods))
        if credentials:
            headers.set("Access-Control-Allow-Credentials", "true")
        max_age = -1 if policy.plain_option("disableCache") is True else policy.plain_option("maxAge")
        if max_age:
            headers.set("Access-Control-Max-Age", _text(max_age))
        exposed = policy.plain_option("exposeHeaders")
        if exposed:
            headers.set("Access-Control-Expose-Headers", ",".join(_text(h) for h in exposed))
        return headers.response(int(policy.plain_option("statusCode") or DEFAULT_PREFLIGHT_STATUS))
    # the integration's answer, modelled as agreeing with the preflight (module docstring)
    headers.set("Access-Control-Allow-Origin", allow_origin)
    if origins[0] != "*":
        headers.set("Vary", "Origin")
    if credentials:
        headers.set("Access-Control-Allow-Credentials", "true")
    return headers.response(None)


def rest_origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    value = policy.option("allowOrigins")
    if value is None:
        return ()
    return tuple(
        OriginEntry(item, "literal") for item in value.entries if not (item.known and item.raw == "*")
    )


_SAM_HTTP_API = next(framework for framework in SAM_FRAMEWORKS if framework.name == "aws_sam_http_api")

FRAMEWORKS = (
    Framework(
        name="aws_cdk_rest",
        display="The AWS CDK CORS preflight of an API Gateway REST API",
        respond=respond_rest,
        roles={
            "origins": ("allowOrigins",),
            "credentials": ("allowCredentials",),
            "methods": ("allowMethods",),
            "headers": ("allowHeaders",),
            "expose": ("exposeHeaders",),
            "max_age": ("maxAge",),
        },
        origin_entries=rest_origin_entries,
        comment_prefix="//",
        unread_options="the CORS options of this AWS CDK REST API",
    ),
    dataclasses.replace(
        _SAM_HTTP_API,
        name="aws_cdk_http_api",
        display="The AWS CDK `corsPreflight` of an API Gateway HTTP API",
        comment_prefix="//",
        unread_options="the corsPreflight of this AWS CDK HTTP API",
    ),
)
