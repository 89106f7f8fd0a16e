"""Differential truth: corslint's Express models against the real `cors` package on express.

Every Express fixture's *extracted* cors options (plus edge-case policies) are serialised
as JSON and handed to tests/node/harness.js, which mounts the real `cors` middleware
(pinned in tests/node/package.json) on an express app listening on 127.0.0.1 and replays
the probe battery. Self-contained hand-written middlewares from the fixtures are run the
same way. Status and CORS headers must equal corslint's prediction header by header.

Node runs once for all cases, with a bounded number of requests and a timeout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from corslint.extractors.js.module import parse
from corslint.extractors.js.syntax import walk
from corslint.frameworks import framework_of
from corslint.frameworks.express import library_checks
from corslint.http import Request, Response
from corslint.model import (
    CorsPolicy,
    FunctionValue,
    HeaderReflection,
    Location,
    OriginFunction,
    Regex,
    UnresolvedValueError,
    Value,
)
from tests.conftest import ROOT, fixture_projects, named_fixture_policies, synthetic_policy
from tests.probe_battery import battery, cors_headers, route_battery

NODE_DIR = ROOT / "tests" / "node"
HERE = Location.point("synthetic.js", 1)
# the cors package, called directly or through a wrapper that hands it its options
CORS_PACKAGE = frozenset(
    {"express", "nestjs", "apollo_server", "socketio", "routing_controllers", "firebase_functions"}
)
# hand-written headers the harness runs: in express, in a plain Node server, in Koa
HANDWRITTEN = frozenset({"express_headers", "node_headers", "koa_headers"})
MAX_REQUESTS = 70_000
NODE_BUILTINS = frozenset(f"require('{name}')" for name in ("url", "http", "https", "querystring"))
UNANSWERED = 599  # the node harness's status for a request the handler left unanswered
# case name -> (the policy, the requests sent), and case name -> the real answers
Expected = dict[str, tuple[CorsPolicy, list[Request]]]
RealAnswers = dict[str, list[dict[str, Any]]]


def _node_ready() -> str | None:
    """Why the harness cannot run here, or None. In CI it must run."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not all((NODE_DIR / "node_modules" / package).is_dir() for package in ("cors", "express", "koa")):
        return "run `npm ci` in tests/node first"
    return None


def _require_node() -> None:
    require_node_package("cors")


def require_node_package(package: str) -> None:
    """Skip a test whose Node package `npm ci` has not installed; in CI, fail it."""
    reason = _node_ready()
    if reason is None and not (NODE_DIR / "node_modules" / package).is_dir():
        reason = "run `npm ci` in tests/node first"
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"the node harness must run in CI: {reason}")
        pytest.skip(reason)


def answer_mismatch(where: str, real: dict[str, Any], predicted: Response, status: int | None) -> str | None:
    """How the real package's answer differs from the model's: its status (the model's
    `status`, once the test has said what a request passed on gets), else its CORS headers."""
    if real["status"] != status:
        return f"{where}: status {real['status']} != {predicted.status}"
    real_headers = cors_headers([(k, v) for k, v in real["headers"]])
    if real_headers != cors_headers(list(predicted.headers)):
        return f"{where}: {real_headers} != {cors_headers(list(predicted.headers))}"
    return None


def compare_answers(
    policy: CorsPolicy,
    requests: list[Request],
    real_answers: list[dict[str, Any]],
    *,
    unresolved_counts: bool = False,
    status_of: Callable[[Request, Response], int | None] | None = None,
) -> tuple[list[str], int]:
    """The model's answer to each request beside the real package's: the mismatches, and
    how many were compared. A request the model leaves unresolved is skipped, or is a
    mismatch itself (`unresolved_counts`); one it passes on is answered 200 by the app,
    unless `status_of` says what the app answers."""
    mismatches: list[str] = []
    compared = 0
    for request, real in zip(requests, real_answers, strict=True):
        try:
            predicted = framework_of(policy).respond(policy, request)
        except UnresolvedValueError:
            if unresolved_counts:
                mismatches.append(f"{request}: unresolved")
            continue
        if status_of is not None:
            status = status_of(request, predicted)
        else:
            status = predicted.status if predicted.status is not None else 200
        where = f"{request.path} {request.method} Origin={request.origin} {dict(request.headers)}"
        mismatch = answer_mismatch(where, real, predicted, status)
        if mismatch is not None:
            mismatches.append(mismatch)
        compared += 1
    return mismatches, compared


@dataclass(frozen=True)
class Replayed:
    """A request the harness sent to the real package, with its answer and the model's."""

    where: str
    request: Request
    real: dict[str, Any]
    predicted: Response
    mismatch: str | None  # answer_mismatch, a status the model leaves open being the route's 200


def replayed(results: RealAnswers, expected: Expected) -> Iterator[Replayed]:
    """Each request of `expected` the model answers, beside the real answer in `results`;
    a request the model cannot answer (UnresolvedValueError) is left out."""
    for name, (policy, requests) in expected.items():
        respond = framework_of(policy).respond
        for request, real in zip(requests, results[name], strict=True):
            try:
                predicted = respond(policy, request)
            except UnresolvedValueError:
                continue
            where = f"{name}: {request.method} Origin={request.origin} {dict(request.headers)}"
            status = predicted.status if predicted.status is not None else 200  # the route's answer
            yield Replayed(where, request, real, predicted, answer_mismatch(where, real, predicted, status))


def replay_mismatches(
    results: RealAnswers, expected: Expected, also: Callable[[Replayed], str | None] | None = None
) -> tuple[list[str], int]:
    """Every mismatch `replayed` finds, and what `also` finds wrong with an answer besides;
    and how many answers were compared."""
    mismatches: list[str] = []
    compared = 0
    for answer in replayed(results, expected):
        compared += 1
        found = [answer.mismatch, also(answer) if also is not None else None]
        mismatches += [mismatch for mismatch in found if mismatch is not None]
    return mismatches, compared


def serialise(raw: Any) -> Any:
    if isinstance(raw, Regex):
        return {"$regex": [raw.pattern, raw.flags]}
    if isinstance(raw, FunctionValue):
        spec: dict[str, Any] = {
            "kind": raw.kind,
            "allowed": [serialise(item.plain()) for item in raw.allowed],
        }
        if isinstance(raw, OriginFunction):
            spec |= {"no_origin": raw.no_origin, "on_reject": raw.on_reject}
        else:
            spec |= {"no_origin": "allow", "on_reject": "false"}
        return {"$function": spec}
    if isinstance(raw, tuple):
        return [serialise(item) for item in raw]
    if isinstance(raw, dict):
        return {key: serialise(item) for key, item in raw.items()}
    return raw


def known_options(policy: CorsPolicy) -> dict[str, Any] | None:
    if "**" in policy.options:
        return None
    try:
        plain = {name: value.plain() for name, value in policy.options.items()}
        for value in plain.values():
            if isinstance(value, FunctionValue) and value.kind == "unknown":
                return None
        return {name: serialise(value) for name, value in plain.items()}  # an unknown entry raises
    except UnresolvedValueError:
        return None


def wire(request: Request, named: str | None = None) -> dict[str, Any]:
    """The request as the harness sends it; `named` ("query.site", "header.referer"): where
    the page names its own origin, as the model assumes of input the caller chooses."""
    headers = dict(request.headers)
    path = request.path
    if request.origin is not None:
        headers["origin"] = request.origin
        if named is not None:
            where, _, key = named.partition(".")
            if where == "query":
                path = f"{path}?{urllib.parse.urlencode({key: request.origin})}"
            else:
                headers[key] = request.origin
    return {"method": request.method, "path": path, "headers": headers}


def option_cases(
    kind: str,
    policies: Iterable[tuple[str, CorsPolicy]],
    requests_of: Callable[[CorsPolicy], list[Request]] = battery,
    options_of: Callable[[CorsPolicy], dict[str, Any] | None] = known_options,
    fields_of: Callable[[CorsPolicy], dict[str, Any]] = lambda _: {},
) -> tuple[list[dict[str, Any]], Expected]:
    """A harness case of `kind` for each named policy whose options the package can be
    given (`options_of`), with its requests and the case fields `fields_of` adds."""
    cases: list[dict[str, Any]] = []
    expected: Expected = {}
    for name, policy in policies:
        options = options_of(policy)
        if options is None:
            continue
        requests = requests_of(policy)
        wired = [wire(request) for request in requests]
        cases.append({"kind": kind, "name": name, "options": options, "requests": wired, **fields_of(policy)})
        expected[name] = (policy, requests)
    return cases, expected


def named_source(policy: CorsPolicy) -> str | None:
    """Where a hand-written policy's Allow-Origin comes from, when the caller names it."""
    for value in policy.options.values():
        for item in value.walk():
            if isinstance(item.raw, HeaderReflection) and item.raw.source.startswith("named-origin:"):
                return item.raw.source.split(":", 1)[1]
    return None


def run_harness(
    cases: list[dict[str, Any]], script: str = "harness.js", max_requests: int = MAX_REQUESTS
) -> RealAnswers:
    """The answers the tests/node `script` gets from the real packages, by case name."""
    total = sum(len(case["requests"]) for case in cases)
    assert total <= max_requests
    completed = subprocess.run(
        ["node", str(NODE_DIR / script)],
        input=json.dumps({"cases": cases}),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=NODE_DIR,
        env={**os.environ, "NODE_ENV": "test"},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return {result["name"]: result["responses"] for result in json.loads(completed.stdout)}


def run_harness_in_batches(cases: list[dict[str, Any]], per_run: int = 25_000) -> RealAnswers:
    """`run_harness` over `cases` in several node runs of at most `per_run` requests each, so
    that every run stays well inside the harness's own time limit as the fixtures grow."""
    answers: RealAnswers = {}
    batch: list[dict[str, Any]] = []
    for case in cases:
        if batch and sum(len(c["requests"]) for c in batch) + len(case["requests"]) > per_run:
            answers |= run_harness(batch)
            batch = []
        batch.append(case)
    if batch:
        answers |= run_harness(batch)
    return answers


def module_app_answers(module: Path, app: str, requests: list[Request]) -> list[dict[str, Any]]:
    """What `app`, a Node expression for a request listener, answers to `requests` with the
    CommonJS `module` (a fixture's own file) loaded before it as `module.exports`."""
    preamble = "const module = { exports: {} };\n" + module.read_text()
    case = {"kind": "node", "name": "app", "preamble": preamble, "source": app}
    return run_harness([{**case, "requests": [wire(request) for request in requests]}])["app"]


def synthetic(**options: Any) -> CorsPolicy:
    return synthetic_policy("express", HERE, options)


def _function(kind: str, allowed: tuple[Any, ...] = (), **extra: Any) -> OriginFunction:
    return OriginFunction(kind, tuple(Value(item, HERE) for item in allowed), **extra)


SYNTHETIC: dict[str, CorsPolicy] = {
    "defaults": synthetic(),
    "wildcard-credentials": synthetic(origin="*", credentials=True, exposedHeaders=["X-Total", "X-Page"]),
    "fixed-string": synthetic(origin="https://a.example.com", maxAge=0),
    "glob-string": synthetic(origin="https://*.example.com", methods=["GET", "PUT"]),
    "array-with-star": synthetic(origin=["https://a.example.com", "*"], credentials=True),
    "array-nested-regex": synthetic(origin=["https://a.example.com", Regex(r"\.example\.org$")]),
    "regex-unanchored": synthetic(
        origin=Regex(r"https://.*example\.com"), allowedHeaders="Content-Type,X-Custom"
    ),
    "regex-ignorecase": synthetic(origin=Regex(r"^https://app\.example\.com$", "i"), maxAge="600"),
    "regex-sticky": synthetic(origin=Regex(r"https://app\.example\.com", "y")),
    "regex-global-fresh": synthetic(origin=Regex(r"example\.com$", "g")),
    "true-reflect": synthetic(origin=True, credentials=True, allowedHeaders=[]),
    "false-off": synthetic(origin=False),
    "null-off": synthetic(origin=None, credentials=True),
    "credentials-string": synthetic(origin="https://a.example.com", credentials="true"),
    "headers-alias": synthetic(headers=["X-Custom", "Authorization"], exposedHeaders=""),
    "allowed-headers-star": synthetic(allowedHeaders=["*"], credentials=True),
    "methods-empty": synthetic(methods=[], maxAge=86400),
    "methods-string": synthetic(methods="GET, POST", optionsSuccessStatus=200),
    "preflight-continue": synthetic(preflightContinue=True, origin=["https://a.example.com"]),
    "max-age-float": synthetic(maxAge=600.5),
    "function-reflect": synthetic(origin=_function("reflect-all"), credentials=True),
    "function-deny": synthetic(origin=_function("deny-all")),
    "function-list-error": synthetic(
        origin=_function("allow-list", ("https://a.example.com",), no_origin="allow", on_reject="error")
    ),
    "function-list-false": synthetic(
        origin=_function(
            "allow-list", ("https://a.example.com", Regex(r"\.example\.org$")), no_origin="reject"
        ),
        credentials=True,
    ),
    "null-origin-listed": synthetic(origin=["null", "https://a.example.com/"]),
}


def fixture_policies() -> list[tuple[str, CorsPolicy, Path]]:
    return named_fixture_policies(fixture_projects("express"), CORS_PACKAGE | HANDWRITTEN)


def handler_source(policy: CorsPolicy, project: Path, requires: bool = False) -> tuple[str, str] | None:
    """The middleware function and the literal constants it reads, when self-contained."""
    file = project / policy.location.path
    if file.suffix not in {".js", ".cjs", ".mjs"}:  # TS would need compiling
        return None
    module = parse(policy.location.path, file.read_text("utf-8"), file)
    target = None
    for node in walk(module.root):
        if node.type in {"arrow_function", "function_expression", "function"}:
            location = module.location(node)
            if location.line >= policy.location.line and (policy.location.end_line >= location.end_line):
                target = node
                break
    if target is None:
        registration = [n for n in walk(module.root) if module.location(n) == policy.location]
        names = {module.text(n) for r in registration[:1] for n in walk(r) if n.type == "identifier"}
        for node in module.root.named_children:
            name = node.child_by_field_name("name") if node.type == "function_declaration" else None
            if name is not None and module.text(name) in names:
                target = node
    if target is None or _nested_in_function(target):
        return None  # a closure reads its enclosing function's names: not self-contained
    preamble = []
    for child in module.root.named_children:
        if child.type in {"lexical_declaration", "variable_declaration"}:
            values = [d.child_by_field_name("value") for d in child.named_children]
            literal = {"array", "string", "number", "regex", "object", "template_string"}
            if all(
                value is not None
                and (
                    (value.type in literal and not any(n.type == "call_expression" for n in walk(value)))
                    or module.text(value).startswith(("new Set([", "new RegExp("))
                    or module.text(value) in NODE_BUILTINS
                )
                for value in values
            ):
                preamble.append(module.text(child))
            elif requires and len(values) == 1 and (required := _relative_require(module, values[0], file)):
                # `const { attachCorsHeaders } = require('./lib/cross-origin')`: the fixture's own module
                name = module.text(child.named_children[0].child_by_field_name("name"))
                preamble.append(f"const {name} = require({json.dumps(required)});")
    return "\n".join(preamble), module.text(target)


def _relative_require(module: Any, value: Any, file: Path) -> str | None:
    """The absolute path of a `require("./...")` of the fixture's own module."""
    if (
        value is None
        or value.type != "call_expression"
        or module.text(value.child_by_field_name("function")) != "require"
    ):
        return None
    arguments = value.child_by_field_name("arguments").named_children
    specifier = module.text(arguments[0]).strip("'\"") if len(arguments) == 1 else ""
    if not specifier.startswith("./"):
        return None
    return str((file.parent / specifier).resolve())


def _nested_in_function(node: Any) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type in {"arrow_function", "function_expression", "function", "function_declaration"}:
            return True
        parent = parent.parent
    return False


def _options_handlers(policy: CorsPolicy, project: Path) -> list[str]:
    """`app.options("*", handler)` merged into a middleware's policy: the harness mounts it too."""
    merged = any(
        "METHOD:OPTIONS" in step.raw["when"].plain()
        for step in policy.options.values()
        if isinstance(step.raw, dict) and "when" in step.raw
    )
    if not merged:
        return []
    module = parse(policy.location.path, (project / policy.location.path).read_text("utf-8"))
    found = []
    for node in walk(module.root):
        if node.type == "call_expression" and module.text(node.child_by_field_name("function")).endswith(
            ".options"
        ):
            arguments = node.child_by_field_name("arguments").named_children
            found += [
                module.text(a) for a in arguments if a.type in {"arrow_function", "function_expression"}
            ]
    return found


def _mount(policy: CorsPolicy) -> str:
    """How the fixture registers the handler: `use`, or the route's own method."""
    for step in policy.options.values():
        if isinstance(step.raw, dict) and "when" in step.raw:
            for condition in step.raw["when"].plain():
                if condition.startswith("METHOD:") and condition != "METHOD:OPTIONS":
                    return str(condition[len("METHOD:") :].split(",")[0].lower())
    return "use"


def _cases() -> tuple[list[dict[str, Any]], Expected]:
    cases: list[dict[str, Any]] = []
    expected: Expected = {}
    entries = [(name, policy, None) for name, policy in SYNTHETIC.items()] + [
        (name, policy, project) for name, policy, project in fixture_policies()
    ]
    for name, policy, project in entries:
        requests = route_battery(policy)
        if policy.framework in CORS_PACKAGE:
            options = known_options(policy)
            if options is None:
                continue
            case: dict[str, Any] = {"kind": "cors", "options": options}
            if policy.route_level and policy.routes:
                # mounted on its routes' own methods; on OPTIONS too unless nothing routes it there
                verbs = {m.lower() for route in policy.routes for m in route.methods} - {"head"}
                if not any(evidence.kind == "preflight-unrouted" for evidence in policy.evidence):
                    verbs.add("options")
                case["mounts"] = sorted(verbs)
        elif policy.framework in {"node_headers", "koa_headers"}:
            assert project is not None
            source = handler_source(policy, project, requires=policy.framework == "node_headers")
            if source is None:
                continue
            kind = "node" if policy.framework == "node_headers" else "koa"
            handler = source[1]
            if kind == "node" and re.search(r"const \{ req, res \} = context;", handler):
                # a step handed the server's own context (`(context) => { const { req, res } = context`)
                handler = f"((step) => (req, res) => step({{ req, res }}))({handler})"
            case = {"kind": kind, "preamble": source[0], "source": handler}
        else:
            assert project is not None
            source = handler_source(policy, project)
            if source is None:
                continue
            handlers = [{"mount": _mount(policy), "source": source[1]}]
            handlers += [{"mount": "options", "source": text} for text in _options_handlers(policy, project)]
            case = {"kind": "handler", "preamble": source[0], "handlers": handlers}
        named = named_source(policy)
        if named is not None and not named.startswith(("query.", "header.")):
            continue  # a body the harness does not send
        case |= {"name": name, "requests": [wire(request, named) for request in requests]}
        cases.append(case)
        expected[name] = (policy, requests)
    return cases, expected


@pytest.fixture(scope="module")
def harness_results() -> tuple[RealAnswers, Expected]:
    _require_node()
    cases, expected = _cases()
    return run_harness_in_batches(cases), expected


def test_models_match_the_real_cors_package(
    harness_results: tuple[RealAnswers, Expected],
) -> None:
    results, expected = harness_results
    compared = 0
    mismatches: list[str] = []
    for name, (policy, requests) in expected.items():
        responses = results[name]
        respond = framework_of(policy).respond
        # the harness runs the hand-written code alone: the `Vary: Origin` a later cors()
        # adds (extractors.express.imported_middleware), and the Allow-Credentials an
        # earlier one sends (mounted_router_cors), are that package's, compared elsewhere
        policy = replace(
            policy, options={k: v for k, v in policy.options.items() if not k.endswith(" #cors")}
        )
        for request, real in zip(requests, responses, strict=True):
            try:
                predicted = respond(policy, request)
            except UnresolvedValueError:
                continue  # the model says it cannot know (what other code answers to OPTIONS)
            where = f"{name}: {request.method} {request.path} Origin={request.origin} {dict(request.headers)}"
            # status None: the request goes on to the app, which answers 200 (the node
            # harness: 599, nothing answered); OPTIONS must match exactly
            passed_on = UNANSWERED if policy.framework == "node_headers" else 200
            status = predicted.status if request.method == "OPTIONS" else (predicted.status or passed_on)
            mismatch = answer_mismatch(where, real, predicted, status if status is not None else passed_on)
            if mismatch is not None:
                mismatches.append(mismatch)
            compared += 1
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 5000
    print(f"{compared} requests compared over {len(expected)} policies")


def test_enough_fixture_policies_are_compared(
    harness_results: tuple[RealAnswers, Expected],
) -> None:
    _, expected = harness_results
    from_fixtures = [name for name in expected if name not in SYNTHETIC]
    handwritten = [name for name in from_fixtures if expected[name][0].framework == "express_headers"]
    assert len(from_fixtures) >= 15
    assert len(handwritten) >= 3
    frameworks = {expected[name][0].framework for name in from_fixtures}
    assert frameworks >= {"node_headers", "koa_headers", "nestjs", "apollo_server"}


def test_global_regex_alternates_in_the_real_package() -> None:
    _require_node()
    policy = synthetic(origin=Regex(r"^https://app\.example\.com$", "g"))
    request = Request("GET", "https://app.example.com")
    options = known_options(policy)
    case = {"name": "g", "kind": "cors", "fresh": False, "options": options, "requests": [wire(request)] * 4}
    answers = [
        cors_headers([(k, v) for k, v in r["headers"]]).get("access-control-allow-origin")
        for r in run_harness([case])["g"]
    ]
    assert answers == ["https://app.example.com", None, "https://app.example.com", None]
    checks = library_checks(policy)
    assert [check.concerns for check in checks] == ["origins"]
    assert "every second request" in checks[0].message
