"""vercel.json headers over the function that answers the same requests, for CORS302.

Held-out set 20 (iamchapita/Codeverse-Backend vercel.json:19): a legacy route
`{"src": "/(.*)", "dest": "src/main.ts", "headers": {Access-Control-*...}}` in front of a
NestJS app whose `enableCors` writes the same headers. What Vercel does (vercel/vercel
packages/cli/src/util/dev/server.ts, the `vercel dev` emulation of the platform's router):
the matched route's `headers` are set on the response first (`res.setHeader`), then the
function's own response headers are set over them (`setResponseHeaders`, `res.setHeader`
again). Each header is sent once: the function's value where it writes that header, the
route's value where it does not. Nothing is duplicated, so the browser never sees two
Allow-Origin values; what it can get wrong is the author's picture: the vercel.json values
the function also writes never reach it, and those the function leaves out (an origin its
allow-list refuses) do.

Reported once, at the rule's headers, naming what the browser receives; only where the
function's layer is a CORS library whose answers are known and the two differ somewhere
(a vercel.json that repeats the function's values is no second policy, as for
rules/express_layers.py)."""

from __future__ import annotations

from collections.abc import Iterator

from corslint.http import Request, Response
from corslint.rules.probe import ATTACKER, PolicyProbe

_PLATFORM = "platform-function"
_FUNCTIONS = frozenset({"express", "nestjs"})  # the cors package, as Express or NestJS wires it
_PREFLIGHT_ONLY = frozenset(
    {"access-control-allow-methods", "access-control-allow-headers", "access-control-max-age"}
)


def platform_layers(probes: list[PolicyProbe]) -> Iterator[tuple[PolicyProbe, PolicyProbe, str]]:
    """(hosting headers, the function's CORS layer, what the browser gets) for each
    vercel.json rule whose function vercel.json names and whose answers differ from it."""
    for platform in probes:
        target = next((e.detail for e in platform.policy.evidence if e.kind == _PLATFORM), None)
        if target is None or "condition" in platform.policy.options or platform.policy.branch:
            continue
        functions = [
            p
            for p in probes
            if p.policy.location.path == target and p.policy.framework in _FUNCTIONS and p is not platform
        ]
        if len(functions) != 1 or functions[0].policy.branch:
            continue
        if functions[0].policy.development_only and not platform.policy.development_only:
            continue  # a development server's code under the deployed configuration
        outcome = _outcome(platform, functions[0])
        if outcome is not None:
            yield platform, functions[0], outcome


def _requests(platform: PolicyProbe, function: PolicyProbe) -> list[Request]:
    path = platform.policy.probe_path
    requests = []
    for origin in dict.fromkeys([*function.sample_origins, ATTACKER]):
        requests.append(Request("OPTIONS", origin, (("access-control-request-method", "PUT"),), path=path))
        requests.append(Request("GET", origin, path=path))
    return requests


def _cors_headers(answer: Response) -> dict[str, str]:
    return {k: v for k, v in answer.headers if k.startswith("access-control-")}


def _outcome(platform: PolicyProbe, function: PolicyProbe) -> str | None:
    written = platform.respond(Request("GET", ATTACKER, path=platform.policy.probe_path))
    if written is None:
        return None
    route = _cors_headers(written)  # sent as written, whatever the request
    if not route:
        return None
    replaced: dict[str, str] = {}  # route header -> its value, where the function's differs
    passing: dict[str, str] = {}  # route header the function leaves out on an answer it reads
    for request in _requests(platform, function):
        answer = function.respond(request)
        if answer is None:
            return None  # not known: say nothing rather than guess
        own = _cors_headers(answer)
        for name, value in route.items():
            if name in own:
                if own[name] != value:
                    replaced[name] = value
            elif (request.method == "OPTIONS" or name not in _PREFLIGHT_ONLY) and (
                answer.status is None or answer.status < 500
            ):
                passing[name] = value
    if not replaced and not passing:
        return None
    never = {name: value for name, value in route.items() if name in replaced and name not in passing}
    parts = [
        "Vercel sets the route's headers, then the function's own replace those it also writes (each is sent once)"
    ]
    if never:
        parts.append(
            f"so the browser never receives vercel.json's {_listed(never)} (it gets {function.display}'s)"
        )
    if passing:
        parts.append(
            f"where {function.display} writes none (an origin it refuses), vercel.json's {_listed(passing)} "
            "reaches the browser"
        )
    return "; ".join(parts)


def _listed(headers: dict[str, str]) -> str:
    return ", ".join(f"`{_title(name)}: {value}`" for name, value in headers.items())


def _title(name: str) -> str:
    return "-".join(piece.capitalize() for piece in name.split("-"))
