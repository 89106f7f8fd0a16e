"""API Gateway resources a Serverless service may declare without changing how API Gateway
answers the preflights of its ``cors`` events (sweep 12 X3: tuwhoo/shop-nodejs-aws-serverless
import-service/serverless.ts, ``resources.Resources.GatewayResponse4XX`` of type
``AWS::ApiGateway::GatewayResponse``, ``ResponseType: DEFAULT_4XX``, adding Allow-Origin and
Allow-Headers ``'*'`` to API Gateway's own 4XX answers).

A gateway response is what API Gateway sends when it "fails to process an incoming request"
(AWS, "Gateway responses for REST APIs",
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html):
``DEFAULT_4XX`` / ``DEFAULT_5XX`` and the specific types (``MISSING_AUTHENTICATION_TOKEN``,
``UNAUTHORIZED``, ``THROTTLED``, ...). The OPTIONS method the Serverless Framework adds for
``cors`` (compile/events/api-gateway ``cors.js``: a MOCK integration answering 200 with the
CORS response parameters) succeeds, so no gateway response replaces it: gateway_cors.py holds
with such resources present. What they change is the 403 / 404 API Gateway sends for a route
it has no method for (gateway_options.py), which stays unknown (`Service.error_answers`).
Any other ``AWS::ApiGateway::`` resource (a method, a resource, a REST API of its own) keeps
the whole service unknown, as before."""

from __future__ import annotations

GATEWAY_RESPONSE = "AWS::ApiGateway::GatewayResponse"
_ANY = "AWS::ApiGateway"


def other_gateway_resources(text: str) -> bool:
    """Whether `text` (a configuration, or its resources read into text) names an API
    Gateway resource type other than a gateway response."""
    return _ANY in text.replace(GATEWAY_RESPONSE, "")
