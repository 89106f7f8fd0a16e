from collections.abc import Iterator

from corslint.browser import SAFELISTED_METHODS
from corslint.findings import Finding, Level, Related
from corslint.http import Request
from corslint.rules.base import FASTAPI_APP, FLASK_APP, Example, PolicyProbe, Rule
from corslint.rules.cors201_wildcard_with_credentials import preflight_wildcard_with_credentials

UNSAFE_PROBE_METHODS = ("PUT", "PATCH", "DELETE")


class MethodNotAllowed(Rule):
    """
    ## What it does
    Finds HTTP methods that the application's routes use but whose CORS preflight fails.
    corslint collects the methods of the routes it can see (`@app.put(...)`,
    `methods=[...]`, `router.delete(...)`) and, for each method other than GET, HEAD and
    POST, sends the browser's preflight through the framework's behaviour. Where no
    routes are visible, it reports a framework default that allows only safe methods
    (Starlette's `allow_methods` defaults to `["GET"]`).
    Hand-written headers that leave preflights unanswered fail every such request at
    once: that is CORS206; this rule then reports only methods the routes use that the
    written `Access-Control-Allow-Methods` leaves out, which still fail once the
    preflights are answered.

    ## Why is this bad?
    Before a cross-origin `PUT`, `PATCH` or `DELETE`, the browser asks permission with an
    `OPTIONS` preflight and sends the real request only if `Access-Control-Allow-Methods`
    lists the method. Otherwise the console says *"Method PUT is not allowed by
    Access-Control-Allow-Methods in preflight response"* and the request is never sent,
    even though the route exists and works from curl or Postman. Method names are
    compared exactly, so `put` does not allow `PUT` in Starlette.

    `POST` needs a preflight too when it carries JSON or a custom header. Flask-CORS
    answers the preflight of a method missing from `methods` without
    `Access-Control-Allow-Headers`, so the console blames the header (*"Request header
    field content-type is not allowed"*) although the method is what is missing.

    ## Example
    ```python
    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])

    @app.put("/items/{item_id}")
    def update_item(item_id: int): ...
    ```

    ## Use instead
    ```python
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://app.example.com"],
        allow_methods=["GET", "POST", "PUT", "DELETE"],
    )
    ```
    Flask-CORS: `methods=[...]`; Django: `CORS_ALLOW_METHODS`; Express: `methods`.

    **Fix:** Safe, where the allowed methods are a literal list (or Python tuple) of plain
    strings and the app's routes are known: `--fix` adds the methods those routes use, in
    the list's own quotes. Where the routes are not known (a framework's safe-methods
    default), which methods to allow is the author's call, and there is no fix.

    ## References
    - Fetch Standard, CORS-preflight fetch: https://fetch.spec.whatwg.org/#cors-preflight-fetch-0
    - MDN, CORSMethodNotFound: https://developer.mozilla.org/docs/Web/HTTP/CORS/Errors/CORSMethodNotFound
    """

    id = "CORS202"
    name = "method-not-allowed"
    level = Level.WARNING
    summary = "Methods the app's routes use fail their CORS preflight"
    tags = ("correctness",)
    bad = (
        Example(
            "starlette",
            FASTAPI_APP
            + 'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])\n\n\n'
            '@app.put("/items/{item_id}")\n'
            "def update_item(item_id: int) -> dict[str, int]:\n"
            '    return {"id": item_id}\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origins=["https://app.example.com"], methods=["GET", "POST"])\n'
            "\n"
            "\n"
            '@app.put("/items/<int:item_id>")\n'
            "def update_item(item_id):\n"
            '    return {"id": item_id}\n',
        ),
    )
    good = (
        Example(
            "starlette",
            FASTAPI_APP + "app.add_middleware(\n"
            "    CORSMiddleware,\n"
            '    allow_origins=["https://app.example.com"],\n'
            '    allow_methods=["GET", "PUT"],\n'
            ")\n\n\n"
            '@app.put("/items/{item_id}")\n'
            "def update_item(item_id: int) -> dict[str, int]:\n"
            '    return {"id": item_id}\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origins=["https://app.example.com"], methods=["GET", "POST", "PUT"])\n'
            "\n"
            "\n"
            '@app.put("/items/<int:item_id>")\n'
            "def update_item(item_id):\n"
            '    return {"id": item_id}\n',
        ),
    )

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        probe = probe.functional  # an unknown allow-list leaves this rule to judge
        if probe.written_by_another_layer("methods"):
            return  # the layer that writes the list reports it
        origin = probe.allowed_origin
        if origin is None:
            return
        if probe.unhandled_preflight is not None:  # CORS206's cause, unless the list lacks them too
            yield from self._unanswered(probe, origin)
            return
        credentials = probe.credentials_enabled
        path = probe.policy.probe_path
        simple = probe.fetch(origin, credentials=credentials, path=path)
        if credentials and (
            simple is None or not simple.allowed or preflight_wildcard_with_credentials(probe, origin, path)
        ):
            # credentialed requests fail on a `*` whatever the methods (CORS201/205's cause);
            # requests without cookies still need their method allowed
            credentials = False
            simple = probe.fetch(origin, path=path)
        if simple is None or not simple.allowed:
            return  # the origin itself fails; other rules explain why
        routes = probe.policy.routes
        if routes is None:
            if probe.option("methods") is not None:
                return
            # one method that passes settles it: the others need not be probed
            if all(self._fails(probe, origin, m, credentials, path) for m in UNSAFE_PROBE_METHODS):
                yield self.finding(
                    probe,
                    probe.locate("methods"),
                    f"{probe.display} allows only safe methods by default, so the preflight of every "
                    f"{', '.join(UNSAFE_PROBE_METHODS)} request fails; set the allowed methods explicitly",
                )
            return
        failing_routes: dict[str, list[Related]] = {}
        for route in routes:
            for method in route.methods:
                method = method.upper()
                if method in {"GET", "HEAD", "OPTIONS"}:
                    continue
                if method in failing_routes or self._fails(probe, origin, method, credentials, path):
                    failing_routes.setdefault(method, []).append(
                        Related(route.location, f"{method} {route.path} is served here")
                    )
        if failing_routes:
            methods = ", ".join(sorted(failing_routes))
            yield self.finding(
                probe,
                probe.locate("methods"),
                f"{probe.display} does not allow {methods}, which the app's routes use: the "
                "browser's preflight fails and those requests are never sent"
                + (
                    " (POST is preflighted when it carries JSON or custom headers)"
                    if "POST" in failing_routes
                    else ""
                )
                + probe.condition("methods"),
                related=[r for rs in failing_routes.values() for r in rs[:3]],
            )

    def _unanswered(self, probe: PolicyProbe, origin: str) -> Iterator[Finding]:
        """Route methods the `Access-Control-Allow-Methods` written on ordinary responses
        lacks, where preflights are not answered at all (CORS206): what still fails once
        they are. Compared without case and with `*` counted as allowing all, so that only
        a method no reading of the list admits is reported."""
        routes = probe.policy.routes
        if not routes:
            return
        response = probe.respond(Request(probe.probe_method, origin, path=probe.policy.probe_path))
        written = None if response is None else response.get("access-control-allow-methods")
        if written is None:
            return
        listed = {name.strip().upper() for name in written.split(",") if name.strip()}
        if "*" in listed:
            return
        missing: dict[str, list[Related]] = {}
        for route in routes:
            for method in route.methods:
                method = method.upper()
                if method not in SAFELISTED_METHODS and method != "OPTIONS" and method not in listed:
                    missing.setdefault(method, []).append(
                        Related(route.location, f"{method} {route.path} is served here")
                    )
        if missing:
            yield self.finding(
                probe,
                probe.locate("methods"),
                f"{probe.display} writes `Access-Control-Allow-Methods` without "
                f"{', '.join(sorted(missing))}, which the app's routes use: once its preflights are "
                f"answered (CORS206), those requests still fail their preflight{probe.condition('methods')}",
                related=[r for rs in missing.values() for r in rs[:3]],
            )

    @staticmethod
    def _fails(probe: PolicyProbe, origin: str, method: str, credentials: bool, path: str) -> bool:
        if method in SAFELISTED_METHODS:
            # POST is preflighted only with a JSON body or custom headers; some frameworks
            # then reject the method itself
            if probe.preflight_passes(origin, method, credentials=credentials, path=path) is False:
                return True
            # Flask-CORS answers a preflight for a method it does not allow without
            # Allow-Headers: a bare POST still passes (browsers never check a safelisted
            # method), a JSON POST fails, and the same header passes for GET
            json = {"content-type": "application/json"}
            return (
                probe.preflight_passes(origin, method, json, credentials=credentials, path=path) is False
                and probe.preflight_passes(origin, "GET", json, credentials=credentials, path=path) is True
            )
        verdict = probe.fetch(origin, method, credentials=credentials, path=path)
        # the preflight itself must fail: one that passes sends the request, whatever its
        # answer then lacks (a Next.js route whose OPTIONS export lists DELETE while the
        # DELETE handler writes no Allow-Origin: census 9 C2, ASB34/ai-voice-panel)
        return verdict is not None and not verdict.allowed and verdict.response is None
