"""Differential truth for headers in hosting configuration, without a server: which rules
of a Next.js `headers()`, a vercel.json `headers` list, a netlify.toml `[[headers]]` or a
Netlify `_headers` file apply to a path, and which headers a response for it gets, by the
platforms' own code (tests/node/config_headers.mjs):

- Next.js: next.config loaded by next's `loadConfig` + `loadCustomRoutes`, matched with
  next's `getPathMatch` (as its router builds header routes);
- Vercel: @vercel/routing-utils' `getTransformedRoutes`, matched as the `vercel dev` router
  matches the routes (Vercel's own edge does not run here);
- Netlify: @netlify/headers-parser's `parseAllHeaders` and its `forRegExp`, merged as
  netlify-cli's `headersForPath` merges them (Netlify's own edge does not run here).

For every fixture and edge-case configuration, each policy corslint extracts must apply to
exactly the paths its rule applies to, and its answer at its probe path must carry exactly
the CORS headers the platform's code sends there (or be unresolved where a `has` /
`missing` rule applies). The real Next.js server is in test_differential_next.py.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from corslint.model import CorsPolicy, UnresolvedValueError
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import cors_headers
from tests.test_differential_express import NODE_DIR, require_node_package

CONFIG_FRAMEWORKS = {"nextjs_headers": "next", "vercel_headers": "vercel", "netlify_headers": "netlify"}
ORIGIN = "https://app.example.com"
# a Next.js `has` on the Origin is evaluated per request: an allowed one, others, none
ORIGINS = (
    ORIGIN,
    "https://evil.example",
    "https://app.partner.example.com",
    "https://shop.vercel.app",
    "null",
    None,
)

NEXT_CONFIG = """\
module.exports = {
  async headers() {
    return [
      {
        source: '/api/:path*',
        headers: [
          { key: 'Access-Control-Allow-Origin', value: 'https://app.example.com' },
          { key: 'Access-Control-Allow-Methods', value: 'GET,POST' },
          { key: 'Vary', value: 'Origin' },
        ],
      },
      {
        source: '/api/public/:path*',
        headers: [{ key: 'access-control-allow-origin', value: '*' }],
      },
      {
        source: '/v1/:id(\\\\d+)',
        headers: [
          { key: 'Access-Control-Allow-Origin', value: 'https://b.example.com' },
          { key: 'Access-Control-Allow-Credentials', value: 'true' },
        ],
      },
      { source: '/files/:name.json', headers: [{ key: 'Access-Control-Allow-Origin', value: '*' }] },
      { source: '/docs/:slug?', headers: [{ key: 'Access-Control-Allow-Origin', value: '*' }] },
      { source: '/Partners/:id', headers: [{ key: 'Access-Control-Allow-Origin', value: 'https://c.example.com' }] },
      {
        source: '/tenants/:tenant/:rest+',
        headers: [{ key: 'Access-Control-Allow-Headers', value: 'Content-Type, X-Tenant' }],
      },
      {
        source: '/echo/:site',
        headers: [{ key: 'Access-Control-Allow-Origin', value: 'https://:site.example.com' }],
      },
      {
        source: '/api/embed/:path*',
        has: [{ type: 'header', key: 'x-embed' }],
        headers: [{ key: 'Access-Control-Allow-Headers', value: 'X-Embed' }],
      },
      {
        source: '/partners/:path*',
        has: [{ type: 'header', key: 'origin', value: '(?<origin>https://[a-z]+\\.partner\\.example\\.com)' }],
        headers: [
          { key: 'Access-Control-Allow-Origin', value: ':origin' },
          { key: 'Access-Control-Allow-Credentials', value: 'true' },
        ],
      },
      {
        source: '/auth/:path*',
        has: [{ type: 'header', key: 'Origin', value: '(?<serviceName>^https://.*.vercel.app$)' }],
        headers: [{ key: 'Access-Control-Allow-Origin', value: ':origin' }],
      },
      {
        source: '/open/:path*',
        has: [{ type: 'header', key: 'origin' }],
        headers: [{ key: 'Access-Control-Allow-Origin', value: ':origin' }],
      },
      {
        source: '/open/beta/:path*',
        has: [{ type: 'cookie', key: 'beta' }],
        headers: [{ key: 'Access-Control-Max-Age', value: '60' }],
      },
      {
        source: '/open/strict/:path*',
        missing: [{ type: 'header', key: 'origin', value: 'null' }],
        headers: [{ key: 'Access-Control-Allow-Credentials', value: 'true' }],
      },
      {
        source: '/widgets/:path*',
        headers: [
          {
            key: 'Access-Control-Allow-Origin',
            has: [{ type: 'header', key: 'host', value: '(a.example.com|b.example.com)' }],
            value: '*',
          },
        ],
      },
      {
        source: '/(.*)',
        headers: [
          { key: 'Access-Control-Expose-Headers', value: 'X-Request-Id' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
        ],
      },
    ];
  },
};
"""

# the legacy `routes` (mikessdev/qrmenu_backend): headers added in order until the first
# matching route without `continue: true`
VERCEL_LEGACY_ROUTES = {
    "routes": [
        {"src": "/api/internal/(.*)", "dest": "/api/internal.js"},
        {
            "src": "/api/(.*)",
            "headers": {
                "Access-Control-Allow-Origin": "https://app.example.com",
                "Access-Control-Max-Age": "600",
            },
            "continue": True,
        },
        {"src": "/api/internal/(.*)", "headers": {"Access-Control-Allow-Origin": "*"}},
        {"src": "/(.*)", "headers": {"Access-Control-Expose-Headers": "X-Trace"}, "continue": True},
        {"handle": "filesystem"},
        {"src": "^/feeds/(.*)$", "headers": {"Access-Control-Allow-Origin": "*"}},
        {"src": "/(.*)", "dest": "/index.html"},
        {"src": "/late/(.*)", "headers": {"Access-Control-Allow-Origin": "*"}},
    ]
}

VERCEL_JSON = {
    "headers": [
        {
            "source": "/api/(.*)",
            "headers": [
                {"key": "Access-Control-Allow-Origin", "value": "https://app.example.com"},
                {"key": "Access-Control-Allow-Methods", "value": "GET,POST,OPTIONS"},
            ],
        },
        {
            "source": "/api/public/:path*",
            "headers": [
                {"key": "access-control-allow-origin", "value": "*"},
                {"key": "Access-Control-Max-Age", "value": "600"},
            ],
        },
        {"source": "/fonts/(.*).woff2", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]},
        {"source": "/v2/:id(\\d+)", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]},
        {"source": "/Assets/:file", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]},
        {
            "source": "/mirror/:host",
            "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://:host"}],
        },
        {
            "source": "/api/beta/(.*)",
            "has": [{"type": "query", "key": "beta"}],
            "headers": [{"key": "Access-Control-Allow-Credentials", "value": "true"}],
        },
        {"source": "/(.*)", "headers": [{"key": "Access-Control-Expose-Headers", "value": "X-Trace"}]},
    ]
}

NETLIFY_TOML = """\
[build]
  publish = "dist"

[[headers]]
  for = "/api/*"
  [headers.values]
    Access-Control-Allow-Origin = "https://app.example.com"
    Access-Control-Allow-Methods = "GET,POST , PUT"
    Access-Control-Allow-Headers = ["Content-Type", " Authorization"]

[[headers]]
  for = "/api/public/*"
  [headers.values]
    access-control-allow-origin = "*"

[[headers]]
  for = "/users/:id/avatar"
  [headers.values]
    Access-Control-Allow-Origin = "*"

[[headers]]
  for = "/scripts/*.js"
  [headers.values]
    Access-Control-Allow-Origin = "*"

[[headers]]
  for = "/beta/*"
  [headers.values]
    Access-Control-Allow-Origin = "https://beta.example.com"
  [headers.conditions]
    Country = ["NZ"]
"""

HEADERS_FILE = """\
# CORS for the public API and the embeddable widget
/api/*
  Access-Control-Allow-Origin: https://app.example.com
  Access-Control-Allow-Headers: Content-Type
  Access-Control-Allow-Headers: Authorization
  Cache-Control: no-store

  /widget/*
Access-Control-Allow-Origin: *
  Access-Control-Expose-Headers: X-Widget-Version,X-Widget-Build

/Docs/:page
  Access-Control-Allow-Origin: *
"""


def _paths(policies: list[CorsPolicy]) -> list[str]:
    """Each policy's probe path and its neighbours: other case, trailing slash, deeper,
    the parent, and paths no rule names."""
    paths = ["/", "/elsewhere/x", "/api", "/API/X"]
    for policy in policies:
        probe = policy.probe_path
        parent = probe.rsplit("/", 1)[0] or "/"
        paths += [probe, probe.upper(), probe + "/", probe + "/deeper/x", parent, probe + "x"]
    return list(dict.fromkeys(paths))


def _extracted(project: Path) -> list[CorsPolicy]:
    cwd = Path.cwd()
    os.chdir(project)
    try:
        found = run_lint(Path(".")).policies
    finally:
        os.chdir(cwd)
    return [policy for policy in found if policy.framework in CONFIG_FRAMEWORKS]


def _cases(tmp: Path) -> list[tuple[dict[str, Any], list[CorsPolicy]]]:
    projects: list[tuple[str, Path]] = []
    for group in ("nextjs", "vercel_netlify"):
        projects += [(f"{group}/{p.name}", p) for p in sorted((FIXTURES / group).iterdir()) if p.is_dir()]
    written = {
        "next.config.js": NEXT_CONFIG,
        "vercel.json": json.dumps(VERCEL_JSON, indent=2),
        "legacy/vercel.json": json.dumps(VERCEL_LEGACY_ROUTES, indent=2),
        "netlify.toml": NETLIFY_TOML,
        "public/_headers": HEADERS_FILE,
    }
    for name, text in written.items():
        project = tmp / name.replace("/", "_").replace(".", "_")
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
        projects.append((f"synthetic/{name}", project))
    cases = []
    for name, project in projects:
        policies = _extracted(project)
        by_file: dict[str, list[CorsPolicy]] = {}
        for policy in policies:
            by_file.setdefault(policy.location.path, []).append(policy)
        for file, found in by_file.items():
            platform = CONFIG_FRAMEWORKS[found[0].framework]
            case: dict[str, Any] = {"name": f"{name}:{file}", "platform": platform, "paths": _paths(found)}
            path = str(project / file)
            if platform == "next":
                case |= {"dir": str(project), "origins": list(ORIGINS)}
            elif platform == "vercel":
                case["file"] = path
            else:
                case["files"] = {Path(file).name: path}
            cases.append((case, found))
    return cases


def _run(cases: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    completed = subprocess.run(
        ["node", str(NODE_DIR / "config_headers.mjs")],
        input=json.dumps({"cases": cases}),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=NODE_DIR,
        env={**os.environ, "NEXT_TELEMETRY_DISABLED": "1"},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return {result["name"]: result for result in json.loads(completed.stdout)}


def _source(policy: CorsPolicy) -> str:
    return policy.app.split("::", 1)[1]


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict[str, int]]:
    for package in ("next", "@vercel/routing-utils", "@netlify/headers-parser"):
        require_node_package(package)
    cases = _cases(tmp_path_factory.mktemp("hosting"))
    results = _run([case for case, _ in cases])
    mismatches: list[str] = []
    counts = {"paths": 0, "answers": 0, "unresolved": 0, "policies": 0, "exported": 0, "function_urls": 0}
    for case, policies in cases:
        result = results[case["name"]]
        assert "error" not in result and not result.get("errors"), result
        # next: one answer per path and origin; the others: per path (no `has` evaluated)
        answers = {(entry["path"], entry.get("origin", ORIGIN)): entry for entry in result["paths"]}
        by_path = {path: entry for (path, _), entry in answers.items()}
        for policy in policies:
            if policy.branch:  # pushed under a condition next's loadConfig may not meet here
                continue
            counts["policies"] += 1
            indices = [i for i, source in enumerate(result["rules"]) if source == _source(policy)]
            assert indices, (case["name"], _source(policy), result["rules"])
            respond = framework_of(policy)
            for path, entry in by_path.items():
                real = any(i in entry["matched"] or i in entry["conditional"] for i in indices)
                if respond.answers(policy, path) != real:
                    mismatches.append(f"{case['name']} {_source(policy)!r} on {path}: platform says {real}")
                counts["paths"] += 1
            # a static export (`output: 'export'`): next build applies no headers() at all
            never_sent = any(e.kind == "not-applied" for e in policy.evidence)
            if never_sent and policy.framework == "netlify_headers":
                # a rule on a URL a Netlify Function answers: Netlify's docs say no custom
                # header reaches it, which the headers parser run here does not model
                # (extractors/express/netlify_functions.py)
                counts["function_urls"] += 1
                continue
            if never_sent != (result.get("output") == "export"):
                mismatches.append(
                    f"{case['name']}: output {result.get('output')!r}, not-applied {never_sent}"
                )
            if never_sent:
                counts["exported"] += 1
                answer = respond.respond(policy, Request("GET", ORIGIN, path=policy.probe_path))
                if cors_headers(list(answer.headers)):
                    mismatches.append(f"{case['name']}: a static export's policy sends headers")
                continue
            # the answer at every path the rule applies to, for each origin sent
            for (path, origin), entry in answers.items():
                if not any(i in entry["matched"] or i in entry["conditional"] for i in indices):
                    continue
                try:
                    answer = respond.respond(policy, Request("GET", origin, path=path))
                except UnresolvedValueError:
                    counts["unresolved"] += 1
                    continue
                real_headers = cors_headers([(name, value) for name, value in entry["headers"]])
                predicted = cors_headers(list(answer.headers))
                if real_headers != predicted:
                    mismatches.append(
                        f"{case['name']} {_source(policy)!r} {path} {origin}: {real_headers} != {predicted}"
                    )
                counts["answers"] += 1
    return mismatches, counts


def test_rules_apply_where_the_platforms_apply_them(compared: tuple[list[str], dict[str, int]]) -> None:
    mismatches, counts = compared
    assert not mismatches, "\n".join(mismatches[:30])
    print(counts)
    assert counts["policies"] >= 25
    assert counts["paths"] >= 500
    assert counts["answers"] >= 20
    assert counts["exported"] >= 1


def test_conditional_and_path_substituted_values_are_left_unanswered(
    compared: tuple[list[str], dict[str, int]],
) -> None:
    _, counts = compared
    # `has` rules (the ts fixture, the synthetic Next.js and Vercel ones, and what they
    # overlap) and values naming a path parameter (`:site`, `:host`)
    assert counts["unresolved"] >= 5
