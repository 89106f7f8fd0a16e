from collections.abc import Iterator

from corslint.findings import Finding, Level
from corslint.http import Request
from corslint.rules.base import ATTACKER, FASTAPI_APP, FLASK_APP, Example, PolicyProbe, Rule


def varies_on_origin(vary: str | None) -> bool:
    return vary is not None and any(t.strip().lower() in {"origin", "*"} for t in vary.split(","))


class ReflectionWithoutVary(Rule):
    """
    ## What it does
    Finds responses whose `Access-Control-Allow-Origin` depends on the request's `Origin`
    while `Vary: Origin` is missing. corslint sends the same request from an allowed
    origin, from another origin and with no Origin at all, and compares the answers.

    ## Why is this bad?
    A shared cache (a CDN, a reverse proxy, a corporate proxy) stores one response per
    URL unless `Vary` names the request headers that change it. Without `Vary: Origin`:
    - the response cached for `https://app.example.com` carries that origin in
      `Access-Control-Allow-Origin`, and is then served to `https://admin.example.com`,
      whose browser blocks it: intermittent "blocked by CORS policy" errors that vanish
      when the cache is purged;
    - or a response cached for a request without `Origin` (no CORS headers) is served to
      your front end, which is then blocked.

    Hand-written reflection (`res.setHeader("Access-Control-Allow-Origin",
    req.headers.origin)`) almost always forgets it, and Flask-CORS with a single literal
    origin does not send it either.

    ## Example
    ```js
    app.use((req, res, next) => {
      res.setHeader("Access-Control-Allow-Origin", req.headers.origin);
      next();
    });
    ```

    ## Use instead
    ```js
    app.use((req, res, next) => {
      if (ALLOWED.includes(req.headers.origin)) {
        res.setHeader("Access-Control-Allow-Origin", req.headers.origin);
      }
      res.append("Vary", "Origin");
      next();
    });
    ```
    Flask-CORS: list two or more origins, or keep the default `vary_header=True` with a
    regex; or add `Vary: Origin` in an `after_request` hook.

    ## References
    - Fetch Standard, CORS protocol and HTTP caches: https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches
    - MDN, Vary: https://developer.mozilla.org/docs/Web/HTTP/Headers/Vary
    """

    id = "CORS107"
    name = "reflection-without-vary"
    level = Level.WARNING
    summary = "Allow-Origin varies with the request's Origin but `Vary: Origin` is not sent"
    security_severity = 4.3
    cwe = (524,)
    tags = ("caching",)
    bad = (
        Example(
            "express",
            'const express = require("express");\n\n'
            "const app = express();\n"
            "app.use((req, res, next) => {\n"
            '  res.setHeader("Access-Control-Allow-Origin", req.headers.origin);\n'
            "  next();\n"
            "});\n",
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origins="https://app.example.com")\n',
        ),
    )
    good = (
        Example(
            "express",
            'const express = require("express");\n\n'
            'const ALLOWED = ["https://app.example.com", "https://admin.example.com"];\n\n'
            "const app = express();\n"
            "app.use((req, res, next) => {\n"
            "  if (ALLOWED.includes(req.headers.origin)) {\n"
            '    res.setHeader("Access-Control-Allow-Origin", req.headers.origin);\n'
            "  }\n"
            '  res.append("Vary", "Origin");\n'
            "  next();\n"
            "});\n",
        ),
        Example(
            "starlette",
            FASTAPI_APP + 'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])\n',
        ),
    )

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        path = probe.policy.probe_path
        origins: list[str | None] = [probe.allowed_origin, ATTACKER, None]
        answers = []
        for origin in dict.fromkeys(origins):
            response = probe.respond(Request("GET", origin, path=path))
            if response is None:
                return
            answers.append((origin, response))
        values = {response.get("access-control-allow-origin") for _, response in answers}
        if len(values) < 2:
            return
        missing = [origin for origin, r in answers if not varies_on_origin(r.get("vary"))]
        if not missing:
            return
        yield self.finding(
            probe,
            probe.locate("origins"),
            f"{probe.display} sends a different `Access-Control-Allow-Origin` depending on the "
            "request's Origin but no `Vary: Origin`: a shared cache can serve one origin's "
            "answer to another, and the browser then blocks it",
            related=probe.related("origins"),
        )
