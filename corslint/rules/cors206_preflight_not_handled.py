from collections.abc import Iterator

from corslint.findings import Finding, Level
from corslint.http import Request
from corslint.rules.base import Example, PolicyProbe, Rule


class PreflightNotHandled(Rule):
    """
    ## What it does
    Finds hand-written CORS headers that answer simple requests while `OPTIONS`
    preflights go unanswered, or are answered without `Access-Control-Allow-Methods` /
    `Access-Control-Allow-Headers`.

    Code that sends CORS headers to GET and HEAD requests only (a GET route's handler, an
    event stream) is not reported: simple reads are never preflighted. Nor is a handler that
    serves GET and HEAD alone, its other methods refused by the framework (a Tornado handler
    defining `get` only; Next.js `headers()` over App Router handlers that export `GET` alone,
    with no Pages Router API or middleware beside them), unless it reads an `Authorization`
    header, or its own `Access-Control-Allow-Headers` names a header pages must send
    (`x-requested-with`): a GET carrying such a header is preflighted.

    ## Why is this bad?
    Setting `Access-Control-Allow-Origin` in a middleware makes simple GETs work, which
    makes the code look finished. But every `PUT`, `DELETE`, JSON `POST` or request with
    an `Authorization` header is preceded by an `OPTIONS` preflight. If that reaches a
    router with no `OPTIONS` route it gets a 404 or 405, and if it is answered without the
    allow headers the browser refuses: *"Response to preflight request doesn't pass
    access control check"*.

    ## Example
    ```js
    app.use((req, res, next) => {
      res.setHeader("Access-Control-Allow-Origin", "https://app.example.com");
      next();
    });
    ```

    ## Use instead
    ```js
    app.use((req, res, next) => {
      res.setHeader("Access-Control-Allow-Origin", "https://app.example.com");
      res.setHeader("Vary", "Origin");
      if (req.method === "OPTIONS") {
        res.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE");
        res.setHeader("Access-Control-Allow-Headers", "Content-Type, Authorization");
        return res.sendStatus(204);
      }
      next();
    });
    ```
    Or use the `cors` package, which answers preflights for you.

    ## References
    - Fetch Standard, CORS-preflight fetch: https://fetch.spec.whatwg.org/#cors-preflight-fetch-0
    - MDN, Preflight request: https://developer.mozilla.org/docs/Glossary/Preflight_request
    """

    id = "CORS206"
    name = "preflight-not-handled"
    level = Level.WARNING
    summary = "Hand-written CORS headers do not answer preflight requests"
    tags = ("correctness",)
    bad = (
        Example(
            "express",
            'const express = require("express");\n\n'
            "const app = express();\n"
            "app.use((req, res, next) => {\n"
            '  res.setHeader("Access-Control-Allow-Origin", "https://app.example.com");\n'
            "  next();\n"
            "});\n",
        ),
    )
    good = (
        Example(
            "express",
            'const express = require("express");\n\n'
            "const app = express();\n"
            "app.use((req, res, next) => {\n"
            '  res.setHeader("Access-Control-Allow-Origin", "https://app.example.com");\n'
            '  if (req.method === "OPTIONS") {\n'
            '    res.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE");\n'
            '    res.setHeader("Access-Control-Allow-Headers", "Content-Type, Authorization");\n'
            "    return res.sendStatus(204);\n"
            "  }\n"
            "  next();\n"
            "});\n",
        ),
    )

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        probe = probe.functional  # an unknown allow-list leaves this rule to judge
        problem = probe.unhandled_preflight
        if problem is None or not probe.framework.handwritten or _reads_only(probe):
            return
        kinds = {evidence.kind for evidence in probe.policy.evidence}
        custom = _custom_headers_allowed(probe) if "reads-only" in kinds else ()
        if "reads-only" in kinds and "bearer-auth" not in kinds and not custom:
            return
        failing = "PUT, DELETE, JSON or authenticated"
        every_request = "request from the browser"
        if custom and "bearer-auth" not in kinds:  # it serves GET alone: the GETs it expects
            failing = "GET"
            every_request = "request carrying " + " or ".join(f"`{name}`" for name in custom)
        # an unanswered preflight or a failing status: every preflighted request fails
        every = problem.startswith(
            ("OPTIONS preflights are not answered", "preflights are answered with status")
        )
        if not every and probe.preflight_failures:
            names = probe.preflight_failures
            failing = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
        # the statement that fails a preflight before it is answered, where the code has one
        cause = next((e for e in probe.policy.evidence if e.kind == "preflight-throws"), None)
        # API Gateway answering OPTIONS itself (serverless.yml without CORS): named, at the headers
        cause = cause or next((e for e in probe.policy.evidence if e.kind == "preflight-gateway"), None)
        yield self.finding(
            probe,
            cause.location
            if cause is not None and cause.kind == "preflight-throws"
            else probe.policy.location,
            f"{probe.display} sets CORS headers for simple requests, but {problem}: every {failing} "
            f"{every_request} fails its preflight" + (f" ({cause.detail})" if cause is not None else ""),
        )


def _reads_only(probe: PolicyProbe) -> bool:
    """Whether the code sends CORS headers to GET and HEAD only (a GET route's handler,
    an event stream): a page reads it with simple requests, which are never preflighted,
    so there is no preflight to answer."""
    origin = probe.allowed_origin
    if origin is None:
        return False
    path = probe.policy.probe_path
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        response = probe.respond(Request(method, origin, path=path))
        if response is None or response.get("access-control-allow-origin") is not None:
            return False
    return True


# request headers a page's GET carries without a preflight (CORS-safelisted), or that
# scripts cannot set (forbidden names): allowing them announces no preflight
_NO_PREFLIGHT_HEADERS = frozenset(
    {"accept", "accept-language", "content-language", "content-type", "range", "origin", "user-agent"}
)


def _custom_headers_allowed(probe: PolicyProbe) -> tuple[str, ...]:
    """Whether the code's answers allow a request header named outright that pages can
    only send after a preflight (Gale422/PracticeApp's Tornado `BaseHandler`:
    `Access-Control-Allow-Headers: x-requested-with` on GET-only handlers): the code
    expects preflighted GETs, which its framework refuses."""
    origin = probe.allowed_origin
    if origin is None:
        return ()
    path = probe.policy.probe_path
    asked = (("access-control-request-method", "GET"),)
    for request in (Request("GET", origin, path=path), Request("OPTIONS", origin, asked, path=path)):
        response = probe.respond(request)
        allowed = response.get("access-control-allow-headers") if response is not None else None
        if allowed is None:
            continue
        names = {name.strip().lower() for name in allowed.split(",") if name.strip()}
        custom = names - _NO_PREFLIGHT_HEADERS - {"*"}
        if custom:
            return tuple(sorted(custom))
    return ()
