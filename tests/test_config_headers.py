"""CORS headers in configuration: Next.js headers(), vercel.json, netlify.toml, _headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.extractors.express.config_headers import probe_path
from corslint.frameworks import framework_of
from corslint.frameworks.config_paths import path_to_regexp, source_matches
from corslint.http import Request
from corslint.model import CorsPolicy, Regex, UnresolvedValueError
from tests.test_express import policies

NEXT = (
    "module.exports = {\n  async headers() {\n    return [\n"
    "      { source: '/api/:path*', headers: [\n"
    "        { key: 'access-control-allow-origin', value: 'https://app.example.com' },\n"
    "        { key: 'Access-Control-Allow-Headers', value: 'Content-Type' },\n"
    "        { key: 'X-Frame-Options', value: 'DENY' },\n      ] },\n"
    "      { source: '/static/:file', headers: [{ key: 'Cache-Control', value: 'max-age=60' }] },\n"
    "    ];\n  },\n};\n"
)


def one(root: Path, files: dict[str, str]) -> CorsPolicy:
    found = policies(root, files)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("source", "path"),
    [
        ("/api/:path*", "/api/x"),
        ("/(.*)", "/x"),
        ("/api/*", "/api/x"),
        ("/v1/:id(\\d+)", "/v1/1"),
        ("*", "/"),
    ],
)
def test_probe_paths(source: str, path: str) -> None:
    assert probe_path(source) == path


@pytest.mark.parametrize("name", ["next.config.js", "next.config.mjs", "next.config.ts"])
def test_next_config_headers_are_one_policy_per_source(in_tmp: Path, name: str) -> None:
    policy = one(in_tmp, {name: NEXT})
    assert (policy.framework, policy.scope, policy.probe_path) == ("nextjs_headers", "/api/:path*", "/api/x")
    assert sorted(policy.options) == ["Access-Control-Allow-Headers", "Access-Control-Allow-Origin"]
    assert policy.location.line == 5


def test_a_file_not_named_next_config_is_not_read_as_one(in_tmp: Path) -> None:
    assert policies(in_tmp, {"headers.js": NEXT}) == []


def test_headers_are_sent_as_written_and_preflights_are_left_to_the_routes(in_tmp: Path) -> None:
    policy = one(in_tmp, {"next.config.js": NEXT})
    respond = framework_of(policy).respond
    answer = respond(policy, Request("GET", "https://evil.example", path="/api/x"))
    assert answer.get("access-control-allow-origin") == "https://app.example.com"
    assert answer.status is None
    with pytest.raises(UnresolvedValueError):
        respond(
            policy,
            Request.make("OPTIONS", "https://app.example.com", {"access-control-request-method": "PUT"}),
        )


def test_vercel_netlify_and_headers_files(in_tmp: Path) -> None:
    vercel = (
        '{"headers": [{"source": "/api/(.*)", "headers": [\n'
        '  {"key": "Access-Control-Allow-Origin", "value": "*"}]}]}\n'
    )
    netlify = '[[headers]]\n  for = "/api/*"\n  [headers.values]\n    Access-Control-Allow-Origin = "*"\n'
    headers_file = "/api/*\n  Access-Control-Allow-Origin: *\n  X-Robots-Tag: noindex\n"
    found = policies(
        in_tmp, {"vercel.json": vercel, "netlify.toml": netlify, "public/_headers": headers_file}
    )
    located = sorted((p.framework, p.location.path, p.location.line, p.location.column) for p in found)
    assert located == [
        ("netlify_headers", "netlify.toml", 4, 5),
        ("netlify_headers", "public/_headers", 2, 3),
        ("vercel_headers", "vercel.json", 2, 11),
    ]


def test_other_json_files_are_not_hosting_configuration(in_tmp: Path) -> None:
    text = (
        '{"headers": [{"source": "/x", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]}]}'
    )
    assert [
        p for p in policies(in_tmp, {"data/headers.json": text}) if p.framework.endswith("_headers")
    ] == []


OVERLAPPING = (
    "module.exports = {\n  async headers() {\n    return [\n"
    "      { source: '/api/:path*', headers: [\n"
    "        { key: 'Access-Control-Allow-Origin', value: 'https://app.example.com' },\n"
    "        { key: 'Access-Control-Allow-Credentials', value: 'true' },\n      ] },\n"
    "      { source: '/api/status/:path*', headers: [{ key: 'access-control-allow-origin', value: '*' }] },\n"
    "      { source: '/api/beta/:path*', has: [{ type: 'query', key: 'beta' }],\n"
    "        headers: [{ key: 'Access-Control-Allow-Headers', value: 'X-Beta' }] },\n"
    "      { source: '/api/cached/:path*', has: [{ type: 'query', key: 'cache' }],\n"
    "        headers: [{ key: 'Access-Control-Max-Age', value: '60' }] },\n"
    "    ];\n  },\n};\n"
)


def test_rules_matching_one_path_merge_the_later_value_winning(in_tmp: Path) -> None:
    found = {p.scope: p for p in policies(in_tmp, {"next.config.js": OVERLAPPING})}
    broad, status = found["/api/:path*"], found["/api/status/:path*"]
    get = framework_of(broad).respond
    # at the broad rule's own paths, the status rule's `*` is not sent; at the status
    # paths it replaces the broad rule's origin, whose credentials stay
    assert get(broad, Request("GET", "https://a.example", path="/api/x")).as_dict() == {
        "access-control-allow-origin": "https://app.example.com",
        "access-control-allow-credentials": "true",
    }
    for policy in (broad, status):
        answer = get(policy, Request("GET", "https://a.example", path="/api/status/today"))
        assert answer.get("access-control-allow-origin") == "*"
        assert answer.get("access-control-allow-credentials") == "true"
    # the rule's own value is under the plain name: findings point at it
    assert status.options["Access-Control-Allow-Origin"].location.line == 8
    # a `has` rule leaves the paths it matches unanswered, and only those
    with pytest.raises(UnresolvedValueError):
        get(broad, Request("GET", "https://a.example", path="/api/beta/x"))
    # ... unless all it may add is a header that decides no request's fate (Max-Age)
    assert get(broad, Request("GET", "https://a.example", path="/api/cached/x")).as_dict() == {
        "access-control-allow-origin": "https://app.example.com",
        "access-control-allow-credentials": "true",
    }


def test_a_value_naming_a_path_parameter_is_unknown(in_tmp: Path) -> None:
    vercel = (
        '{"headers": [{"source": "/sites/:site", "headers": [\n'
        '  {"key": "Access-Control-Allow-Origin", "value": "https://:site.example.com"}]}]}\n'
    )
    policy = one(in_tmp, {"vercel.json": vercel})
    assert not policy.options["Access-Control-Allow-Origin"].raw["value"].known


@pytest.mark.parametrize(
    ("platform", "source", "path", "matches"),
    [
        ("next", "/api/:path*", "/api", True),
        ("next", "/api/:path*", "/API/x/y", True),  # Next.js matches without regard to case
        ("next", "/api/:path*", "/api/x/", True),  # and lets a trailing slash through
        ("next", "/api/:path*", "/apix", False),
        ("next", "/v1/:id(\\d+)", "/v1/12", True),
        ("next", "/v1/:id(\\d+)", "/v1/ab", False),
        ("next", "/docs/:slug?", "/docs", True),
        ("vercel", "/api/(.*)", "/api", False),
        ("vercel", "/api/(.*)", "/Api/x", True),
        ("vercel", "/api/(.*)", "/api/x/", True),
        ("netlify", "/api/*", "/api", True),  # a standalone `*` makes its part optional
        ("netlify", "/api/*", "/API/", True),
        ("netlify", "/users/:id/avatar", "/users/7/avatar", True),
        ("netlify", "/users/:id/avatar", "/users/7/8/avatar", False),
    ],
)
def test_sources_match_as_each_platform_matches_them(
    platform: str, source: str, path: str, matches: bool
) -> None:
    assert source_matches(platform, source, path) is matches


def test_a_source_the_platform_refuses_raises_and_merges_into_no_other_rule(in_tmp: Path) -> None:
    with pytest.raises(ValueError):
        path_to_regexp("/api/*")  # path-to-regexp 6: a modifier with nothing before it
    text = (
        "module.exports = { async headers() { return [\n"
        "  { source: '/(.*)', headers: [{ key: 'Access-Control-Allow-Origin', value: 'https://a.example.com' }] },\n"
        "  { source: '/api/*', headers: [{ key: 'Access-Control-Allow-Origin', value: '*' }] },\n"
        "]; } };\n"
    )
    every = next(p for p in policies(in_tmp, {"next.config.js": text}) if not p.scope)
    answer = framework_of(every).respond(every, Request("GET", "https://x.example", path="/api/x"))
    assert answer.get("access-control-allow-origin") == "https://a.example.com"


def test_netlify_files_are_read_as_its_parser_reads_them(in_tmp: Path) -> None:
    headers_file = (
        "  /api/*\n"
        "Access-Control-Allow-Headers: Content-Type\n"
        "  Access-Control-Allow-Headers: Authorization\n"
        "  Access-Control-Allow-Origin: https://app.example.com\n"
        "  Access-Control-Allow-Methods: GET,POST\n"
    )
    netlify = (
        '[[headers]]\n  for = "/feed/*"\n  [headers.values]\n'
        '    Access-Control-Allow-Origin = "*"\n    Access-Control-Expose-Headers = ["X-A", " X-B"]\n'
        '  [headers.conditions]\n    Country = ["NZ"]\n'
    )
    found = {p.scope: p for p in policies(in_tmp, {"public/_headers": headers_file, "netlify.toml": netlify})}
    api = framework_of(found["/api/*"]).respond(
        found["/api/*"], Request("GET", "https://a.example", path="/api")
    )
    assert api.as_dict() == {
        "access-control-allow-headers": "Content-Type, Authorization",
        "access-control-allow-origin": "https://app.example.com",
        "access-control-allow-methods": "GET, POST",
    }
    feed = found["/feed/*"]  # `conditions` have no effect on headers: the parser drops them
    answer = framework_of(feed).respond(feed, Request("GET", "https://a.example", path="/feed/x"))
    assert answer.get("access-control-expose-headers") == "X-A, X-B"


@pytest.mark.parametrize(
    ("output", "exported"),
    [
        ("'export'", True),
        ("'standalone'", False),
        ("process.env.OUT === 'static' ? 'export' : undefined", False),
    ],
)
def test_a_static_export_sends_no_configured_headers(in_tmp: Path, output: str, exported: bool) -> None:
    text = NEXT.replace("module.exports = {\n", f"module.exports = {{\n  output: {output},\n")
    policy = one(in_tmp, {"next.config.js": text})
    assert [e.kind for e in policy.evidence] == (["not-applied"] if exported else [])
    answer = framework_of(policy).respond(policy, Request("GET", "https://a.example", path="/api/x"))
    assert bool(answer.get("access-control-allow-origin")) is not exported


HAS_ORIGIN = (
    "module.exports = {\n  async headers() {\n    return [\n"
    "      { source: '/api/:path*',\n"
    "        has: [{ type: 'header', key: 'origin', value: '(?<origin>https://[a-z]+\\\\.example\\\\.com)' }],\n"
    "        headers: [{ key: 'Access-Control-Allow-Origin', value: ':origin' }] },\n"
    "      { source: '/auth/:path*',\n"
    "        has: [{ type: 'header', key: 'Origin', value: '(?<site>^https://.*.vercel.app$)' }],\n"
    "        headers: [{ key: 'Access-Control-Allow-Origin', value: ':origin' }] },\n"
    "      { source: '/beta/:path*', has: [{ type: 'cookie', key: 'beta' }],\n"
    "        headers: [{ key: 'Access-Control-Allow-Origin', value: '*' }] },\n"
    "    ];\n  },\n};\n"
)


def test_next_has_conditions_on_headers_are_evaluated(in_tmp: Path) -> None:
    found = {p.scope: p for p in policies(in_tmp, {"next.config.js": HAS_ORIGIN})}

    def origin(scope: str, sent: str | None, path: str) -> str | None:
        policy = found[scope]
        answer = framework_of(policy).respond(policy, Request("GET", sent, path=path))
        return answer.get("access-control-allow-origin")

    # the capture is the whole Origin: `:origin` reflects it, for the origins the pattern admits
    assert origin("/api/:path*", "https://shop.example.com", "/api/x") == "https://shop.example.com"
    assert origin("/api/:path*", "https://evil.test", "/api/x") is None
    assert origin("/api/:path*", None, "/api/x") is None
    # no capture named `origin`: Next.js sends `:origin` as written
    assert origin("/auth/:path*", "https://a.vercel.app", "/auth/x") == ":origin"
    # the Origin pattern is the policy's guard: the rules read it as an allow-list
    assert found["/api/:path*"].options["guard"].raw == Regex("^(?<origin>https://[a-z]+\\.example\\.com)$")
    # a cookie condition is not evaluated: CORS305
    with pytest.raises(UnresolvedValueError):
        origin("/beta/:path*", "https://a.example", "/beta/x")
