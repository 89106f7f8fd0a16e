"""CORS headers in configuration: Next.js headers(), vercel.json, netlify.toml, _headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.extractors.express.config_headers import probe_path
from corslint.frameworks import framework_of
from corslint.http import Request
from corslint.model import CorsPolicy, UnresolvedValueError
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
        ("/v1/:id(\\d+)", "/v1/x"),
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
