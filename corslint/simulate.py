"""`corslint simulate`: what the browser would do with one request, for each policy found."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from corslint.browser import (
    PageRequest,
    canonical_origin,
    cors_check,
    is_method_token,
    normalize_method,
    preflight_check,
)
from corslint.frameworks import framework_of
from corslint.frameworks.bounded_regex import MATCH_SECONDS, PatternTimeout
from corslint.http import Response
from corslint.model import CorsPolicy, UnresolvedValueError

DEFAULT_HEADER_VALUES = {
    "content-type": "application/json",
    "authorization": "Bearer token",
    "accept": "application/json",
}


_ORIGIN_SHAPE = re.compile(r"[a-z][a-z0-9+.\-]*://[^\s/?#]+")
FORBIDDEN_METHODS = frozenset({"CONNECT", "TRACE", "TRACK"})  # fetch() refuses them (#forbidden-method)


def request_problem(origin: str, method: str) -> str | None:
    """Why no browser would make this request, or None: the simulation then answers a
    question about requests that never happen, so the command line refuses it."""
    if origin != "null":
        canonical = canonical_origin(origin)
        if canonical is not None and canonical != origin:
            return f"a browser never sends `Origin: {origin}`; for that site it sends `{canonical}`"
        # other schemes are origins too: chrome-extension://..., capacitor://localhost
        if canonical is None and (origin != origin.lower() or not _ORIGIN_SHAPE.fullmatch(origin)):
            return (
                f"`{origin}` is not an origin: a browser sends `scheme://host[:port]`, "
                "e.g. `https://app.example.com`, or `null`"
            )
    if not is_method_token(method):
        return f"`{method}` is not an HTTP method (a token: letters, digits and !#$%&'*+-.^_`|~)"
    if method.upper() in FORBIDDEN_METHODS:
        return f"fetch() refuses the {method.upper()} method; no page can send it"
    return None


def parse_header(spec: str) -> tuple[str, str]:
    """`NAME` or `NAME: VALUE`; a bare Content-Type means a JSON body (not safelisted)."""
    name, _, value = spec.partition(":")
    name = name.strip().lower()
    if not name:
        raise ValueError(f"not a header: {spec!r}")
    if not _:
        return name, DEFAULT_HEADER_VALUES.get(name, "1")
    return name, value.strip()


@dataclass(frozen=True)
class Simulation:
    """What a browser would do with one request against one configuration."""

    policy: CorsPolicy
    preflight: Response | None
    response: Response | None
    allowed: bool | None  # None: a value the answer depends on is unknown
    reason: str
    sent: bool  # whether the browser would send the actual request


def answers(policy: CorsPolicy, path: str) -> bool:
    """Whether the policy applies to requests for `path` at all; an undecidable scope
    counts as applying, so its simulation can say what it depends on."""
    try:
        return framework_of(policy).answers(policy, path)
    except (UnresolvedValueError, re.error, TypeError, ValueError):
        return True


def simulate(policy: CorsPolicy, request: PageRequest) -> Simulation:
    framework = framework_of(policy)
    try:
        preflight = None
        sent = True
        reason = ""
        allowed = True
        if request.needs_preflight:
            preflight = framework.respond(policy, request.preflight())
            check = preflight_check(request, preflight)
            if not check.ok:
                sent, allowed, reason = False, False, check.reason
        response = framework.respond(policy, request.actual())
        if sent:
            check = cors_check(request, response)
            allowed, reason = check.ok, check.reason
        return Simulation(policy, preflight, response, allowed, reason, sent)
    except UnresolvedValueError as error:
        value = error.value
        return Simulation(
            policy,
            None,
            None,
            None,
            f"depends on a value corslint could not determine statically ({value.description}, "
            f"line {value.location.line})",
            False,
        )
    except PatternTimeout as error:  # a pattern built to backtrack: bounded, never a hang
        return Simulation(
            policy,
            None,
            None,
            None,
            f"depends on the pattern {error.pattern!r}, which could not be evaluated within "
            f"{MATCH_SECONDS:g} s (it backtracks catastrophically)",
            False,
        )


def simulation_dict(simulation: Simulation) -> dict[str, Any]:
    policy = simulation.policy
    return {
        "file": policy.location.path,
        "line": policy.location.line,
        "framework": policy.framework,
        "preflight": None
        if simulation.preflight is None
        else {"status": simulation.preflight.status, "headers": simulation.preflight.as_dict()},
        "response": None if simulation.response is None else {"headers": simulation.response.as_dict()},
        "response_sent": simulation.sent,
        "allowed": simulation.allowed,
        "reason": simulation.reason,
    }


def request_dict(request: PageRequest) -> dict[str, Any]:
    return {
        "origin": request.origin,
        "method": normalize_method(request.method),  # as the browser sends it
        "headers": [f"{name}: {value}" for name, value in request.headers],
        "credentials": request.credentials,
        "path": request.path,
    }


def policy_dict(policy: CorsPolicy) -> dict[str, Any]:
    return {
        "file": policy.location.path,
        "line": policy.location.line,
        "framework": policy.framework,
        "scope": policy.scope,
    }


def render_text(
    request: PageRequest, simulations: Sequence[Simulation], elsewhere: Sequence[CorsPolicy] = ()
) -> str:
    lines = [
        f"{normalize_method(request.method)} {request.path} from {request.origin}"
        + (" with credentials" if request.credentials else "")
        + "".join(f"\n  {name}: {value}" for name, value in request.headers),
        "",
    ]
    if normalize_method(request.method) != request.method.upper():
        lines[-1:-1] = [
            f"  (fetch() sends `{request.method}` as written: it upper-cases only DELETE, GET, HEAD, "
            "OPTIONS, POST and PUT, and CORS compares methods case by case)"
        ]
    if not simulations:
        lines.append(
            f"No CORS configuration answers {request.path}." if elsewhere else "No CORS configuration found."
        )
    for simulation in simulations:
        policy = simulation.policy
        lines.append(f"{policy.location.path}:{policy.location.line} ({framework_of(policy).display})")
        if simulation.preflight is not None:
            status = simulation.preflight.status
            lines.append(f"  preflight: OPTIONS -> {status if status is not None else 'passed to the app'}")
            lines.extend(f"    {k}: {v}" for k, v in simulation.preflight.as_dict().items())
        elif simulation.allowed is not None:
            lines.append("  preflight: none (a simple request)")
        if simulation.response is not None:
            lines.append("  response:" + ("" if simulation.sent else " (not sent by the browser)"))
            lines.extend(f"    {k}: {v}" for k, v in simulation.response.as_dict().items())
        verdict = {True: "ALLOWED", False: "BLOCKED", None: "UNKNOWN"}[simulation.allowed]
        lines.append(f"  verdict: {verdict}: {simulation.reason}")
        lines.append("")
    if elsewhere:
        lines.append(f"Not answering {request.path} (scoped to other paths):")
        for policy in elsewhere:
            scope = f", {policy.scope}" if policy.scope else ""
            lines.append(
                f"  {policy.location.path}:{policy.location.line} ({framework_of(policy).display}{scope})"
            )
        lines.append("")
    return "\n".join(lines)
