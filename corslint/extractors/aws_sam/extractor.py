"""AWS SAM templates: ``Cors`` of REST APIs and ``CorsConfiguration`` of HTTP APIs.

- Each ``AWS::Serverless::Api`` resource, and the implicit ``ServerlessRestApi`` that SAM
  makes for ``Api`` events without ``RestApiId``, is one policy (framework ``aws_sam_rest``)
  when it has a ``Cors`` (its own, merged over ``Globals: Api: Cors`` as SAM merges maps).
  Its paths are those of an inline ``DefinitionBody``, else (or with ``MergeDefinitions``)
  of the events that name it; their methods give the default
  ``Access-Control-Allow-Methods`` per path.
- Each ``AWS::Serverless::HttpApi``, and the implicit ``ServerlessHttpApi``, likewise with
  ``CorsConfiguration`` (``aws_sam_http_api``).

Also recorded: an API's default authorizer that reads the Authorization header
(``bearer-auth``, CORS204) and one that guards the generated OPTIONS methods too
(``misordered``, CORS303); ``Cors`` keys the translator refuses (``unknown-option``,
CORS307). ``!Ref`` / ``!Sub`` over stack parameters with a ``Default`` are that default
(parameters.py); other intrinsics (``!GetAtt``, ``Fn::If``...) are unknown values that
CORS305 names. See frameworks/aws_sam.py.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections.abc import Iterator
from dataclasses import dataclass

from corslint.extractors.aws_sam.parameters import StackParameters
from corslint.extractors.context import ProjectContext
from corslint.extractors.serverless_framework.handler_files import handler_may_send_cors
from corslint.extractors.serverless_framework.yaml_document import lookup, read_document
from corslint.frameworks.aws_sam import ALL_METHODS, PROBE_PATH
from corslint.model import CorsPolicy, Evidence, Extraction, Location, Route, Value

REST_KEYS = ("AllowOrigin", "AllowMethods", "AllowHeaders", "MaxAge", "AllowCredentials")
HTTP_API_KEYS = (
    "AllowOrigins",
    "AllowHeaders",
    "AllowMethods",
    "ExposeHeaders",
    "MaxAge",
    "AllowCredentials",
)
HTTP_API_LISTS = ("AllowOrigins", "AllowHeaders", "AllowMethods", "ExposeHeaders")
IMPLICIT_REST_API = "ServerlessRestApi"
IMPLICIT_HTTP_API = "ServerlessHttpApi"
_SWAGGER_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch"})
_ANY_METHOD = "x-amazon-apigateway-any-method"


def is_sam_template(name: str, lowered: bytes) -> bool:
    """A CloudFormation or SAM template, not any YAML file that happens to be so named."""
    return b"awstemplateformatversion" in lowered or b"aws::serverless" in lowered


@dataclass(frozen=True)
class ApiEvent:
    """An `Api` / `HttpApi` event of a `AWS::Serverless::Function`."""

    api: str  # the logical id of the API it attaches to
    path: str
    method: str  # upper case; "ANY" for any
    location: Location
    code_dir: str | None  # the function's CodeUri, relative to the template
    handler: str | None


def _referenced(value: Value | None) -> str | None:
    """The logical id in `!Ref X` or `{Ref: X}`."""
    if value is None:
        return None
    if not value.known:
        description = value.description or ""
        if description.startswith("!Ref "):
            return description[5:].strip()
        return None
    if isinstance(value.raw, dict) and set(value.raw) == {"Ref"}:
        ref = value.raw["Ref"]
        return str(ref.raw) if ref.known else None
    return None


def _text(value: Value | None) -> str | None:
    return str(value.raw) if value is not None and value.known and isinstance(value.raw, str) else None


def _resources(root: Value) -> Iterator[tuple[str, str, Value]]:
    """(logical id, type, the resource mapping) for each resource."""
    resources = lookup(root, "Resources")
    if resources is None or not resources.known or not isinstance(resources.raw, dict):
        return
    for name, resource in resources.raw.items():
        kind = _text(lookup(resource, "Type"))
        if kind is not None:
            yield name, kind, resource


def _events(root: Value, kind: str, api_key: str, implicit: str) -> list[ApiEvent]:
    """The events of `kind` (`Api`, `HttpApi`) of every function, with the API each names."""
    found: list[ApiEvent] = []
    global_code = _text(lookup(root, "Globals.Function.CodeUri"))
    global_handler = _text(lookup(root, "Globals.Function.Handler"))
    for _, resource_kind, resource in _resources(root):
        if resource_kind != "AWS::Serverless::Function":
            continue
        events = lookup(resource, "Properties.Events")
        if events is None or not events.known or not isinstance(events.raw, dict):
            continue
        code_dir = _text(lookup(resource, "Properties.CodeUri")) or global_code
        handler = _text(lookup(resource, "Properties.Handler")) or global_handler
        for event in events.raw.values():
            if _text(lookup(event, "Type")) != kind:
                continue
            properties = lookup(event, "Properties")
            api_ref = lookup(event, f"Properties.{api_key}")
            api = implicit if api_ref is None else _referenced(api_ref)
            if api is None:
                continue
            path = _text(lookup(event, "Properties.Path")) or "/"
            method = (_text(lookup(event, "Properties.Method")) or "ANY").upper()
            if method == "*":
                method = "ANY"
            where = properties.location if properties is not None else event.location
            found.append(ApiEvent(api, path, method, where, code_dir, handler))
    return found


def _merged(own: Value | None, global_value: Value | None) -> Value | None:
    """SAM's Globals: a resource's map is merged over the global map; anything else replaces it."""
    if own is None:
        return global_value
    if (
        global_value is not None
        and own.known
        and global_value.known
        and isinstance(own.raw, dict)
        and isinstance(global_value.raw, dict)
    ):
        return Value({**global_value.raw, **own.raw}, own.location, own.provenance)
    return own


def _definition_paths(resource: Value | None) -> dict[str, list[str]]:
    """The methods of each path of an inline `DefinitionBody`."""
    paths = lookup(resource, "Properties.DefinitionBody.paths") if resource is not None else None
    found: dict[str, list[str]] = {}
    if paths is None or not paths.known or not isinstance(paths.raw, dict):
        return found
    for path, item in paths.raw.items():
        if item.known and isinstance(item.raw, dict):
            found[path] = [
                "ANY" if key == _ANY_METHOD else key.upper()
                for key in item.raw
                if key.lower() in _SWAGGER_METHODS or key == _ANY_METHOD
            ]
    return found


def _path_methods(paths: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """swagger.py `_make_cors_allowed_methods_for_path_item`: the path's methods and OPTIONS,
    sorted; ANY is every method. Of two paths differing by a trailing slash (one API Gateway
    resource) only the first gets an OPTIONS method, with its own methods (api_generator.py
    `normalized_paths_processed`)."""
    found: dict[str, tuple[str, ...]] = {}
    for path, methods in paths.items():
        key = path.rstrip("/") or "/"
        if key in found:
            continue
        found[key] = ALL_METHODS if "ANY" in methods else tuple(sorted(set(methods) | {"OPTIONS"}))
    return found


def _lambda_sends_cors(events: list[ApiEvent], template_dir: str) -> bool | None:
    """False when every handler's source is in the project and never mentions CORS."""
    verdicts = set()
    for event in events:
        if event.handler is None:
            return None
        base = os.path.join(template_dir, event.code_dir or "")
        verdicts.add(handler_may_send_cors(os.path.normpath(base), event.handler))
    return False if verdicts == {False} else None


def _rest_policy(
    name: str,
    cors: Value,
    resource: Value | None,
    events: list[ApiEvent],
    template_dir: str,
    parameters: StackParameters,
) -> CorsPolicy:
    location = cors.location
    options: dict[str, Value] = {}
    evidence: list[Evidence] = []
    cors = parameters.resolve(cors)
    if not cors.known or isinstance(cors.raw, str):
        options["AllowOrigin"] = cors  # `Cors: "'*'"` (or an intrinsic): AllowOrigin alone
    elif not isinstance(cors.raw, dict):
        options["refused_by_translator"] = Value(True, location)
        detail = (
            "AWS SAM refuses this `Cors` (\"Invalid value for 'Cors' property\"): a REST API's "
            "`Cors` is an origin string such as \"'https://app.example.com'\" or a map of "
            "`AllowOrigin`, `AllowHeaders`..., so the template does not deploy"
        )
        evidence.append(Evidence("not-applied", detail, location, whole_layer=True))
    else:
        for key in REST_KEYS:
            if key in cors.raw:
                options[key] = parameters.resolve(cors.raw[key])
    body = lookup(resource, "Properties.DefinitionBody") if resource is not None else None
    merge = lookup(resource, "Properties.MergeDefinitions") if resource is not None else None
    paths = _definition_paths(resource)
    # push.py: events add their paths only to a body SAM writes itself (no DefinitionBody)
    # or when `MergeDefinitions` is set
    if body is None or (merge is not None and merge.known and merge.raw is True):
        for event in events:
            paths.setdefault(event.path, []).append(event.method)
    per_path = _path_methods(paths)
    if not per_path:  # paths not seen here (a body not read, events in another template)
        per_path = {"/{proxy+}": ALL_METHODS}  # every method: no CORS202 on a guess
    options["path_methods"] = Value(
        {
            path: Value(tuple(Value(m, location) for m in methods), location)
            for path, methods in per_path.items()
        },
        location,
    )
    if _lambda_sends_cors(events, template_dir) is False and events:
        options["lambda_sends_cors"] = Value(False, location)
    if (
        resource is not None
        and lookup(resource, "Properties.DefinitionUri") is not None
        and lookup(resource, "Properties.DefinitionBody") is None
    ):
        detail = (
            'AWS SAM refuses `Cors` on an API defined by `DefinitionUri` ("Cors works only with '
            "inline Swagger specified in 'DefinitionBody' property\"): the template does not deploy"
        )
        evidence.append(Evidence("not-applied", detail, location, whole_layer=True))
        options["refused_by_translator"] = Value(True, location)
    routes = tuple(
        Route(event.path, ALL_METHODS if event.method == "ANY" else (event.method,), event.location)
        for event in events
    )
    return CorsPolicy(
        framework="aws_sam_rest",
        location=location,
        options=options,
        routes=routes or None,
        evidence=tuple(evidence),
        label=f"AWS SAM API {name}",
        probe_path=PROBE_PATH,
    )


def _http_api_policy(
    name: str,
    cors: Value,
    events: list[ApiEvent],
    parameters: StackParameters,
    framework: str = "aws_sam_http_api",
) -> CorsPolicy:
    location = cors.location
    options: dict[str, Value] = {}
    evidence: tuple[Evidence, ...] = ()
    cors = parameters.resolve(cors)
    if not cors.known:  # open_api.py: the whole intrinsic becomes the configuration
        options["**"] = cors  # every option unknown; CORS305 names the whole configuration
    elif not isinstance(cors.raw, dict) and (cors.raw is not True or framework != "aws_sam_http_api"):
        options["refused_by_translator"] = Value(True, location)
        detail = (
            "AWS SAM refuses this value (a CORS configuration is a map of `AllowOrigins`, "
            "`AllowHeaders`...), so the template does not deploy"
        )
        evidence = (Evidence("not-applied", detail, location, whole_layer=True),)
    elif isinstance(cors.raw, dict):
        for key in HTTP_API_KEYS:
            if key in cors.raw:
                value = parameters.resolve(cors.raw[key])
                if key in HTTP_API_LISTS and value.known and not isinstance(value.raw, tuple):
                    value = Value((value,), value.location, value.provenance)
                options[key] = value
    elif cors.raw is True:  # http_api_generator.py: `true` is AllowOrigins ['*'], nothing else
        options["AllowOrigins"] = Value((Value("*", location),), location)
    routes = tuple(
        Route(event.path, ALL_METHODS if event.method == "ANY" else (event.method,), event.location)
        for event in events
    )
    what = "Lambda function URL of" if framework == "aws_sam_function_url" else "HTTP API"
    return CorsPolicy(
        framework=framework,
        location=location,
        options=options,
        routes=routes or None,
        evidence=evidence,
        label=f"AWS SAM {what} {name}",
    )


def _function_urls(
    root: Value, parameters: StackParameters, keys: dict[Location, Location]
) -> Iterator[CorsPolicy]:
    """`FunctionUrlConfig.Cors` of each function (over `Globals: Function:`), and `Cors` of a
    CloudFormation `AWS::Lambda::Url`: passed through as the URL's CORS (sam_resources.py
    `_construct_function_url`), which Lambda applies itself, as API Gateway does for an HTTP
    API (the same model)."""
    global_config = lookup(root, "Globals.Function.FunctionUrlConfig")
    for name, kind, resource in _resources(root):
        if kind == "AWS::Serverless::Function":
            config = _merged(lookup(resource, "Properties.FunctionUrlConfig"), global_config)
            cors = lookup(config, "Cors") if config is not None else None
        elif kind == "AWS::Lambda::Url":
            cors = lookup(resource, "Properties.Cors")
        else:
            continue
        if cors is None or not _enabled(cors):
            continue
        policy = _http_api_policy(name, cors, [], parameters, "aws_sam_function_url")
        typos = _unknown_keys(cors, HTTP_API_KEYS, "a function URL's `Cors`", keys)
        if typos:
            policy = _refused(dataclasses.replace(policy, evidence=policy.evidence + typos))
        yield _at_key(policy, cors, keys)


def _at_key(policy: CorsPolicy, cors: Value, keys: dict[Location, Location]) -> CorsPolicy:
    """A policy reported at its `Cors:` key (a missing option's findings point there)."""
    return dataclasses.replace(policy, location=keys.get(cors.location, cors.location))


def bearer_auth(auth: Value | None) -> tuple[Evidence, ...]:
    """`Auth: DefaultAuthorizer` naming a Cognito, JWT or Lambda authorizer that reads the
    Authorization header (SAM's default identity source): browsers then send Authorization,
    which a preflight must allow (CORS204)."""
    default = lookup(auth, "DefaultAuthorizer") if auth is not None else None
    name = _text(default)
    if default is None or name is None or name in ("AWS_IAM", "NONE"):
        return ()
    authorizer = lookup(auth, f"Authorizers.{name}") if auth is not None else None
    if authorizer is None or not authorizer.known or not isinstance(authorizer.raw, dict):
        return ()
    if _text(lookup(authorizer, "FunctionPayloadType")) == "REQUEST":
        return ()  # its identity sources are listed one by one: not assumed
    header = _text(lookup(authorizer, "Identity.Header")) or "Authorization"
    source = _text(lookup(authorizer, "IdentitySource"))  # HttpApi: `$request.header.X`
    if source is not None:
        header = source.rpartition(".")[2]
    if header.lower() != "authorization":
        return ()
    return (Evidence("bearer-auth", f"the `{name}` authorizer (Authorization header)", default.location),)


def _switched_off(auth: Value | None, flag: str) -> bool:
    value = lookup(auth, flag) if auth is not None else None
    return value is not None and (not value.known or value.raw is False or str(value.raw).lower() == "false")


def authorized_preflight(auth: Value | None) -> tuple[Evidence, ...]:
    """api_generator.py: the default authorizer, and a required API key, guard the OPTIONS
    methods SAM generates too, unless `AddDefaultAuthorizerToCorsPreflight` /
    `AddApiKeyRequiredToCorsPreflight` is false (both default to true; aws/serverless-
    application-model#2136, #3054). Browsers send preflights without credentials or custom
    headers, so API Gateway refuses them (401/403) before the CORS answer."""
    found: list[Evidence] = []
    tail = (
        "browsers send preflights without credentials or custom headers, so API Gateway "
        "refuses them before they reach the CORS answer and every non-simple request (JSON, "
        "PUT/DELETE, custom headers) fails"
    )
    default = lookup(auth, "DefaultAuthorizer") if auth is not None else None
    name = _text(default)
    guarded = not _switched_off(auth, "AddDefaultAuthorizerToCorsPreflight")
    if default is not None and name is not None and name != "NONE" and guarded:
        detail = (
            f"the default authorizer `{name}` also guards the OPTIONS methods AWS SAM "
            f"generates for CORS (`AddDefaultAuthorizerToCorsPreflight` defaults to true): {tail}; "
            "set `AddDefaultAuthorizerToCorsPreflight: false`"
        )
        found.append(Evidence("misordered", detail, default.location))
    key = lookup(auth, "ApiKeyRequired") if auth is not None else None
    keyed = not _switched_off(auth, "AddApiKeyRequiredToCorsPreflight")
    if key is not None and key.known and key.raw is True and keyed:
        detail = (
            "`ApiKeyRequired` also applies to the OPTIONS methods AWS SAM generates for CORS "
            f"(`AddApiKeyRequiredToCorsPreflight` defaults to true): {tail}; set "
            "`AddApiKeyRequiredToCorsPreflight: false`"
        )
        found.append(Evidence("misordered", detail, key.location))
    return tuple(found)


def _unknown_keys(
    cors: Value, known: tuple[str, ...], what: str, keys: dict[Location, Location]
) -> tuple[Evidence, ...]:
    """api_generator.py / http_api_generator.py refuse a key they do not know ("Invalid key
    'X' for 'Cors' property"): the template does not deploy."""
    if not cors.known or not isinstance(cors.raw, dict):
        return ()
    found = []
    for key, value in cors.raw.items():
        if key in known:
            continue
        nearest = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        meant = f" (did you mean `{nearest[0]}`?)" if nearest else ""
        detail = (
            f"`{key}` is not a key of {what}{meant}; the AWS SAM translator refuses the template "
            f"(\"Invalid key '{key}' for 'Cors' property\"), so nothing is deployed"
        )
        where = keys.get(value.location, value.location)
        found.append(Evidence("unknown-option", detail, where))
    return tuple(found)


def _refused(policy: CorsPolicy) -> CorsPolicy:
    refused = Value(True, policy.location)
    return dataclasses.replace(policy, options={**policy.options, "refused_by_translator": refused})


def _enabled(value: Value | None) -> bool:
    return value is not None and not (value.known and value.raw in (False, None, ""))


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    keys: dict[Location, Location] = {}
    root = read_document(path, text, keys)
    if root is None or not root.known or not isinstance(root.raw, dict):
        return Extraction()
    if "Resources" not in root.raw:
        return Extraction()
    template_dir = os.path.dirname(path) or "."
    policies: list[CorsPolicy] = []
    rest_events = _events(root, "Api", "RestApiId", IMPLICIT_REST_API)
    http_events = _events(root, "HttpApi", "ApiId", IMPLICIT_HTTP_API)
    global_cors = lookup(root, "Globals.Api.Cors")
    global_http_cors = lookup(root, "Globals.HttpApi.CorsConfiguration")
    parameters = StackParameters(root)
    global_auth = lookup(root, "Globals.Api.Auth")
    global_http_auth = lookup(root, "Globals.HttpApi.Auth")
    rest_apis: dict[str, Value | None] = {}
    http_apis: dict[str, Value | None] = {}
    if any(event.api == IMPLICIT_REST_API for event in rest_events):
        rest_apis[IMPLICIT_REST_API] = None
    if any(event.api == IMPLICIT_HTTP_API for event in http_events):
        http_apis[IMPLICIT_HTTP_API] = None
    for name, kind, resource in _resources(root):
        if kind == "AWS::Serverless::Api":
            rest_apis[name] = resource
        elif kind == "AWS::Serverless::HttpApi":
            http_apis[name] = resource
    for name, api in rest_apis.items():
        own = lookup(api, "Properties.Cors") if api is not None else None
        cors = _merged(own, global_cors)
        if _enabled(cors) and cors is not None:
            events = [event for event in rest_events if event.api == name]
            policy = _rest_policy(name, cors, api, events, template_dir, parameters)
            auth = _merged(lookup(api, "Properties.Auth") if api is not None else None, global_auth)
            facts = bearer_auth(auth) + authorized_preflight(auth)
            policy = dataclasses.replace(policy, evidence=policy.evidence + facts)
            typos = _unknown_keys(cors, REST_KEYS, "a REST API's `Cors`", keys)
            policy = dataclasses.replace(policy, evidence=policy.evidence + typos)
            if typos:
                policy = _refused(policy)
            policies.append(_at_key(policy, cors, keys))
    for name, api in http_apis.items():
        own = lookup(api, "Properties.CorsConfiguration") if api is not None else None
        cors = _merged(own, global_http_cors)
        if _enabled(cors) and cors is not None:
            events = [event for event in http_events if event.api == name]
            policy = _http_api_policy(name, cors, events, parameters)
            auth = _merged(lookup(api, "Properties.Auth") if api is not None else None, global_http_auth)
            policy = dataclasses.replace(policy, evidence=policy.evidence + bearer_auth(auth))
            typos = _unknown_keys(cors, HTTP_API_KEYS, "an HTTP API's `CorsConfiguration`", keys)
            policy = dataclasses.replace(policy, evidence=policy.evidence + typos)
            if typos:
                policy = _refused(policy)
            policies.append(_at_key(policy, cors, keys))
    policies += _function_urls(root, parameters, keys)
    return Extraction(policies=tuple(policies))
