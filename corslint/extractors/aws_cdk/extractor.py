"""AWS CDK stacks in Python: the CORS options of API Gateway constructs, read with `ast`
(frameworks/aws_cdk.py says what API Gateway sends; extractors/express/aws_cdk.py reads the
same constructs in TypeScript/JavaScript).

- `default_cors_preflight_options=apigw.CorsOptions(...)` (or a dict with the same keys) on
  `RestApi`, `LambdaRestApi` and `add_resource(...)`, and `resource.add_cors_preflight(
  allow_origins=..., ...)` (Python CDK passes the struct's fields as keywords): framework
  `aws_cdk_rest`, options under CDK's own names;
- `cors_preflight=apigwv2.CorsPreflightOptions(...)` on `HttpApi`: framework
  `aws_cdk_http_api`, under the `CorsConfiguration` names.

`Cors.ALL_ORIGINS` / `Cors.ALL_METHODS` / `Cors.DEFAULT_HEADERS`, `CorsHttpMethod.X`
(`ANY` is `*`) and `Duration.seconds/minutes/hours/days(n)` are read as aws-cdk-lib defines
them. Seen: find_string `default_cors_preflight_options=`: 10 of 10 hits are Python stacks
(ids 42953185907, 5938724717, 56845699982, 33419480372 with a Cognito authorizer,
69761019437 with `allow_headers=["*"]`, 26205469082 a dict)."""

from __future__ import annotations

import ast
import re

from corslint.extractors.aws_cdk.stack_policy import HTTP_API, REST, stack_policy
from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule, is_development_path
from corslint.frameworks.aws_cdk import ALL_METHODS, DEFAULT_HEADERS
from corslint.model import CorsPolicy, Evidence, Extraction, Location, Value

_REST_NAMES = {
    "allow_origins": "allowOrigins",
    "allow_headers": "allowHeaders",
    "allow_methods": "allowMethods",
    "allow_credentials": "allowCredentials",
    "max_age": "maxAge",
    "disable_cache": "disableCache",
    "expose_headers": "exposeHeaders",
    "status_code": "statusCode",
}
_HTTP_API_NAMES = {
    "allow_origins": "AllowOrigins",
    "allow_headers": "AllowHeaders",
    "allow_methods": "AllowMethods",
    "expose_headers": "ExposeHeaders",
    "max_age": "MaxAge",
    "allow_credentials": "AllowCredentials",
}
_CONSTANTS = {"ALL_ORIGINS": ("*",), "ALL_METHODS": ALL_METHODS, "DEFAULT_HEADERS": DEFAULT_HEADERS}
_SECONDS = {"millis": 0.001, "seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
_TOKEN_AUTHORIZERS = re.compile(
    r"\b(CognitoUserPoolsAuthorizer|TokenAuthorizer|HttpUserPoolAuthorizer|HttpJwtAuthorizer)\b"
)


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    if "aws_cdk" not in text:
        return Extraction()
    module = context.python.parse(path, text)
    evidence = _token_authorizer(path, text)
    policies: list[CorsPolicy] = []
    for call in module.calls:
        found: tuple[str, ast.AST, list[tuple[str, ast.expr]] | None] | None = None
        if isinstance(call.func, ast.Attribute) and call.func.attr == "add_cors_preflight":
            found = (REST, call, _keywords(module, call, 0))
        for keyword in call.keywords:
            if keyword.arg in {"default_cors_preflight_options", "cors_preflight"}:
                framework = HTTP_API if keyword.arg == "cors_preflight" else REST
                found = (framework, keyword.value, _options(module, keyword.value, 0))
        if found is None:
            continue
        framework, site, options = found
        if options is None:
            continue
        policy = _policy(module, path, framework, site, options, evidence)
        if policy is not None:
            policies.append(policy)
    return Extraction(policies=tuple(policies))


def _token_authorizer(path: str, text: str) -> tuple[Evidence, ...]:
    found = _TOKEN_AUTHORIZERS.search(text)
    if found is None:
        return ()
    line = text.count("\n", 0, found.start()) + 1
    return (Evidence("bearer-auth", f"an API Gateway `{found.group(1)}`", Location.point(path, line)),)


def _options(module: PythonModule, node: ast.expr, depth: int) -> list[tuple[str, ast.expr]] | None:
    """`CorsOptions(...)` / `CorsPreflightOptions(...)` keywords, a dict's string keys, or
    what the name is bound to in this module."""
    if depth > 3:
        return None
    if isinstance(node, ast.Call):
        return _keywords(module, node, depth)
    if isinstance(node, ast.Dict):
        pairs = []
        for key, value in zip(node.keys, node.values, strict=True):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return None  # `**common`: options corslint cannot read
            pairs.append((key.value, value))
        return pairs
    if isinstance(node, ast.Name):
        bound = module.find_binding(node.id)
        if bound is not None and bound[0] is module:
            return _options(module, bound[1], depth + 1)
    return None


def _keywords(module: PythonModule, call: ast.Call, depth: int) -> list[tuple[str, ast.expr]] | None:
    if call.args or any(keyword.arg is None for keyword in call.keywords):
        return None  # positional or `**options`: not read
    return [(keyword.arg, keyword.value) for keyword in call.keywords if keyword.arg is not None]


def _policy(
    module: PythonModule,
    path: str,
    framework: str,
    site: ast.AST,
    options: list[tuple[str, ast.expr]],
    evidence: tuple[Evidence, ...],
) -> CorsPolicy | None:
    names = _HTTP_API_NAMES if framework == HTTP_API else _REST_NAMES
    read = {names[key]: _value(module, value, 0) for key, value in options if key in names}
    return stack_policy(framework, path, module.location(site), read, evidence, is_development_path(path))


def _value(module: PythonModule, node: ast.expr, depth: int) -> Value:
    location = module.location(node)
    if isinstance(node, ast.Attribute):
        owner = node.value.attr if isinstance(node.value, ast.Attribute) else getattr(node.value, "id", "")
        if owner == "Cors" and node.attr in _CONSTANTS:
            return Value(tuple(Value(item, location) for item in _CONSTANTS[node.attr]), location)
        if owner == "CorsHttpMethod":
            return Value("*" if node.attr == "ANY" else node.attr, location)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _SECONDS:
        owner = node.func.value
        owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
        if owner_name == "Duration" and len(node.args) == 1 and isinstance(node.args[0], ast.Constant):
            amount = node.args[0].value
            if isinstance(amount, int) and not isinstance(amount, bool):
                return Value(int(amount * _SECONDS[node.func.attr]), location)
    if isinstance(node, (ast.List, ast.Tuple)) and depth < 3:
        items: list[Value] = []
        for element in node.elts:
            if isinstance(element, ast.Starred):
                spread = _value(module, element.value, depth + 1)
                items += list(spread.raw) if spread.known and isinstance(spread.raw, tuple) else [spread]
            else:
                items.append(_value(module, element, depth + 1))
        return Value(tuple(items), location)
    return module.resolve(node)
