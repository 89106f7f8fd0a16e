"""The requests every differential test replays against a real library and our model."""

from __future__ import annotations

from collections.abc import Iterable

from corslint.browser import PageRequest, canonical_origin
from corslint.http import Request
from corslint.model import CorsPolicy
from corslint.rules.base import ATTACKER, PolicyProbe, anchor_domain

CORS_HEADER_PREFIXES = ("access-control-", "vary")


def probe_origins(policy: CorsPolicy) -> list[str]:
    """Allowed-looking origins, an attacker, look-alikes of each and `null`."""
    probe = PolicyProbe(policy)
    origins: list[str] = [*probe.sample_origins, ATTACKER, "null"]
    for sample in probe.sample_origins:
        host = sample.split("://", 1)[1]
        origins += [
            sample.upper().replace("HTTPS://", "https://").replace("HTTP://", "http://"),
            f"https://evil{host}",
            f"https://{host}.evil.test",
            f"https://{host[:-1]}",
        ]
    for entry in probe.origin_entries:
        if entry.kind == "regex":
            domain = anchor_domain(str(getattr(entry.value.raw, "pattern", entry.value.raw)))
            if domain:
                origins += [f"https://{domain.replace('.', 'x', 1)}", f"https://evil-{domain}"]
        elif (
            isinstance(entry.value.raw, str)
            and entry.value.raw.strip()
            and not canonical_origin(entry.value.raw)
        ):
            origins.append(entry.value.raw.strip())
    return list(dict.fromkeys(origins))


def battery(policy: CorsPolicy, route_methods: tuple[str, ...] = ()) -> list[Request]:
    """Simple requests with and without Origin, and the preflights a browser would send."""
    requests: list[Request] = [Request("GET", None, path=policy.probe_path)]
    header_sets: list[dict[str, str]] = [
        {},
        {"authorization": "Bearer t"},
        {"content-type": "application/json"},
        {"x-custom": "1"},
        {"authorization": "Bearer t", "content-type": "application/json", "x-custom": "1"},
    ]
    methods = list(dict.fromkeys([*route_methods, "PUT", "DELETE", "PATCH", "POST"]))
    for origin in probe_origins(policy):
        for credentials in (False, True):
            requests.append(
                PageRequest(origin, "GET", credentials=credentials, path=policy.probe_path).actual()
            )
        requests.append(
            PageRequest(origin, "POST", (("content-type", "text/plain"),), path=policy.probe_path).actual()
        )
        for method in methods:
            for headers in header_sets:
                page = PageRequest(origin, method, tuple(headers.items()), path=policy.probe_path)
                if page.needs_preflight:
                    requests.append(page.preflight())
        requests.append(Request("OPTIONS", origin, path=policy.probe_path))  # OPTIONS without ACRM
    return list(dict.fromkeys(requests))


def route_battery(policy: CorsPolicy) -> list[Request]:
    """The battery, preflights for the methods of the routes the policy covers included."""
    return battery(policy, tuple(method for route in policy.routes or () for method in route.methods))


def cors_headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """CORS-relevant headers, names lower-cased, repeated lines joined with ", "."""
    result: dict[str, list[str]] = {}
    for name, value in pairs:
        name = name.lower()
        if name.startswith(CORS_HEADER_PREFIXES):
            result.setdefault(name, []).append(value)
    return {name: ", ".join(values) for name, values in result.items()}
