"""AWS CDK stacks in TypeScript/JavaScript: the CORS options of API Gateway constructs
(frameworks/aws_cdk.py says what API Gateway then sends).

- `new apigateway.RestApi(this, id, { defaultCorsPreflightOptions: {...} })`, the same on
  `LambdaRestApi` and `addResource(path, { defaultCorsPreflightOptions })`, and
  `resource.addCorsPreflight({...})`: framework `aws_cdk_rest`, options under CDK's names;
- `new HttpApi(this, id, { corsPreflight: {...} })` (`aws-apigatewayv2`): framework
  `aws_cdk_http_api`, options under the CloudFormation `CorsConfiguration` names the synthesized
  template carries (AllowOrigins, AllowMethods, ...).

CDK's constants are read as the library defines them: `Cors.ALL_ORIGINS` (`['*']`),
`Cors.ALL_METHODS`, `Cors.DEFAULT_HEADERS`, `CorsHttpMethod.GET` (`ANY` is `*`), and
`Duration.seconds/minutes/hours/days(n)` in seconds. Seen in real stacks: find_string
`allowOrigins: apigateway.Cors.ALL_ORIGINS`: 10 of 10 hits are RestApi
`defaultCorsPreflightOptions` (ids 5737572592, 53165116177, 31218546202, 46000646242, ...)."""

from __future__ import annotations

import re

from corslint.extractors.aws_cdk.stack_policy import HTTP_API, REST, stack_policy
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.frameworks.aws_cdk import ALL_METHODS, DEFAULT_HEADERS
from corslint.model import CorsPolicy, Evidence, Location, Value

_REST_KEYS = frozenset(
    {
        "allowOrigins",
        "allowHeaders",
        "allowMethods",
        "allowCredentials",
        "maxAge",
        "disableCache",
        "exposeHeaders",
        "statusCode",
    }
)
_HTTP_API_KEYS = {
    "allowOrigins": "AllowOrigins",
    "allowHeaders": "AllowHeaders",
    "allowMethods": "AllowMethods",
    "exposeHeaders": "ExposeHeaders",
    "maxAge": "MaxAge",
    "allowCredentials": "AllowCredentials",
}
_CONSTANTS = {
    "Cors.ALL_ORIGINS": ("*",),
    "Cors.ALL_METHODS": ALL_METHODS,
    "Cors.DEFAULT_HEADERS": DEFAULT_HEADERS,
}
_SECONDS = {"millis": 0.001, "seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
_DURATION = re.compile(r"(?:[\w.]+\.)?Duration\.(millis|seconds|minutes|hours|days)\((\d+)\)")
_HTTP_METHOD = re.compile(r"(?:[\w.]+\.)?CorsHttpMethod\.([A-Z]+)")
# authorizers whose callers send a token in Authorization (CORS204's evidence)
_TOKEN_AUTHORIZERS = re.compile(
    r"\b(CognitoUserPoolsAuthorizer|TokenAuthorizer|HttpUserPoolAuthorizer|HttpJwtAuthorizer)\b"
)


def aws_cdk_policies(module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    if b"aws-cdk" not in module.source:
        return []
    evidence = bearer or _token_authorizer(module)
    policies: list[CorsPolicy] = []
    for pair in module.of_kind("pair"):
        key = pair.child_by_field_name("key")
        name = string_value(key) or module.text(key) if key is not None else ""
        if name in {"defaultCorsPreflightOptions", "corsPreflight"}:
            framework = HTTP_API if name == "corsPreflight" else REST
            policy = _policy(module, framework, pair, pair.child_by_field_name("value"), evidence)
            if policy is not None:
                policies.append(policy)
    for call in module.of_kind("call_expression"):
        callee = call.child_by_field_name("function")
        if callee is None or callee.type != "member_expression":
            continue
        if module.text(callee.child_by_field_name("property")) != "addCorsPreflight":
            continue
        arguments = [a for a in call.child_by_field_name("arguments").named_children if a.type != "comment"]
        if arguments:
            policy = _policy(module, REST, call, arguments[0], evidence)
            if policy is not None:
                policies.append(policy)
    return policies


def _token_authorizer(module: JsModule) -> tuple[Evidence, ...]:
    text = module.source.decode("utf-8", "replace")
    found = _TOKEN_AUTHORIZERS.search(text)
    if found is None:
        return ()
    line = text.count("\n", 0, found.start()) + 1
    return (Evidence("bearer-auth", f"an API Gateway `{found.group(1)}`", Location.point(module.path, line)),)


def _policy(
    module: JsModule, framework: str, site: Node, options: Node | None, evidence: tuple[Evidence, ...]
) -> CorsPolicy | None:
    found = _object(module, options, 0)
    if found is None:
        return None
    read: dict[str, Value] = {}
    for key, value in found:
        if framework == HTTP_API and key in _HTTP_API_KEYS:
            read[_HTTP_API_KEYS[key]] = _value(module, value, 0)
        elif framework == REST and key in _REST_KEYS:
            read[key] = _value(module, value, 0)
    return stack_policy(
        framework, module.path, module.location(site), read, evidence, is_development_path(module.path)
    )


def _object(module: JsModule, node: Node | None, depth: int) -> list[tuple[str, Node]] | None:
    """The object literal's (key, value) pairs, spreads of same-module objects first."""
    if node is None or depth > 3:
        return None
    node = unwrap(node)
    if node.type == "identifier":
        return _object(module, module.binding(module.text(node)), depth + 1)
    if node.type != "object":
        return None
    pairs: list[tuple[str, Node]] = []
    for child in node.named_children:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            value = child.child_by_field_name("value")
            if key is not None and value is not None:
                pairs.append((string_value(key) or module.text(key), value))
        elif child.type == "spread_element":
            spread = _object(module, child.named_children[0] if child.named_children else None, depth + 1)
            if spread is None:
                return None  # options corslint cannot read: not judged on a guess
            pairs += spread
        elif child.type == "shorthand_property_identifier":
            pairs.append((module.text(child), child))
    return pairs


def _value(module: JsModule, node: Node, depth: int) -> Value:
    node = unwrap(node)
    location = module.location(node)
    text = re.sub(r"\s+", "", module.text(node))
    for constant, listed in _CONSTANTS.items():
        if text == constant or text.endswith(f".{constant}"):
            return Value(tuple(Value(item, location) for item in listed), location)
    if (duration := _DURATION.fullmatch(text)) is not None:
        return Value(int(int(duration.group(2)) * _SECONDS[duration.group(1)]), location)
    if (method := _HTTP_METHOD.fullmatch(text)) is not None:
        return Value("*" if method.group(1) == "ANY" else method.group(1), location)
    if node.type == "array" and depth < 3:
        items: list[Value] = []
        for child in node.named_children:
            if child.type == "comment":
                continue
            if child.type == "spread_element" and child.named_children:
                spread = _value(module, child.named_children[0], depth + 1)
                items += list(spread.raw) if spread.known and isinstance(spread.raw, tuple) else [spread]
            else:
                items.append(_value(module, child, depth + 1))
        return Value(tuple(items), location)
    if node.type in {"identifier", "shorthand_property_identifier"} and depth < 3:
        bound = module.binding(module.text(node))
        if bound is not None and unwrap(bound).type == "array":
            return _value(module, bound, depth + 1)
    return module.resolve(node)
