from collections.abc import Iterator

from corslint.findings import Finding, Level
from corslint.http import Request, Response
from corslint.model import HeaderReflection
from corslint.rules.base import ATTACKER, FASTAPI_APP, FLASK_APP, Example, PolicyProbe, Rule
from corslint.rules.starlette_vary import varied_by_library

_SAMPLES = 4  # configured origins compared; more find no other difference


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

    Only answers that let an origin read the response are judged: the answer to an allowed
    origin is compared with the answers to other allowed origins and to a request without
    `Origin`. A refused origin's answer, and a `*` every origin shares, are not judged, and
    neither is a single fixed origin sent to everyone (Flask-CORS and `cors` with one
    literal origin), since a cache cannot mix it up. Hand-written reflection
    (`res.setHeader("Access-Control-Allow-Origin", req.headers.origin)`) almost always
    forgets `Vary`, and so does Flask-CORS with `vary_header=False`.

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
    Flask-CORS: keep the default `vary_header=True`, or add `Vary: Origin` in an
    `after_request` hook.

    **Fix:** Unsafe (`--unsafe-fixes`), for hand-written code whose every write of
    `Access-Control-Allow-Origin` is a call, a subscript assignment or a header-mapping
    entry alone on its line, in a file that writes `Vary` nowhere: `--fix` adds `Origin`
    to Vary on the next line, in the framework's merging form where it has one (Express
    `res.vary("Origin")`, Koa `ctx.vary("Origin")`, Hono `c.header("Vary", "Origin",
    { append: true })`, Werkzeug `response.vary.add("Origin")`, Django
    `patch_vary_headers(response, ("Origin",))`, Starlette
    `response.headers.add_vary_header("Origin")`, Tornado `self.add_header("Vary",
    "Origin")`), and as a `Vary` header of its own for Node http, Fastify and header
    mappings. Unsafe because what shared caches store changes. A library's option
    (Flask-CORS `vary_header=False`) has no fix.

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
            FLASK_APP
            + 'CORS(app, origins=["https://app.example.com", "https://admin.example.com"], vary_header=False)\n',
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
        origins_option = probe.option("origins")
        if origins_option is not None and any(
            isinstance(v.raw, HeaderReflection) and v.raw.source.startswith("named-origin")
            for v in origins_option.walk()
        ):
            return  # copied from the URL or body the caller chose: it varies with them, not the Origin
        if any(e.kind == "uncacheable-responses" for e in probe.policy.evidence):
            return  # every request URL is unique (a client's cache-buster): no cache serves it twice
        if probe.framework.handwritten:
            # an unknown allow-list: whatever it holds, an echoed Origin varies with the request
            probe = probe.functional
        path = probe.policy.probe_path
        origins = dict.fromkeys([probe.allowed_origin, *probe.sample_origins[:_SAMPLES], ATTACKER, None])
        answers: dict[str | None, Response] = {}
        for origin in origins:
            response = probe.respond(Request(probe.probe_method, origin, path=path))
            if response is None:
                return
            answers[origin] = response
        allow_origin = {origin: r.get("access-control-allow-origin") for origin, r in answers.items()}
        # only answers that let an origin read the response are judged: a refused origin's
        # answer, or a `*` that every origin shares, gives a cache nothing to mix up; an
        # empty value (`['']` from an unset env list) lets no origin read anything
        allowed = [o for o in answers if o is not None and allow_origin[o] not in (None, "*", "")]
        compared = [*allowed, None]
        for origin in allowed:
            if varies_on_origin(answers[origin].get("vary")):
                continue
            if any(allow_origin[other] != allow_origin[origin] for other in compared if other != origin):
                # a write on the routes' answers only: the app's CORSMiddleware adds `Vary: Origin`
                varied = varied_by_library(probe)
                for location in [site for site in probe.write_sites("origins") if site not in varied]:
                    yield self.finding(
                        probe,
                        location,
                        f"{probe.display} sends a different `Access-Control-Allow-Origin` to each allowed "
                        "origin but no `Vary: Origin`: a shared cache can serve one origin's answer to "
                        "another, and the browser then blocks it",
                        related=probe.related("origins"),
                    )
                return
