from collections.abc import Iterator

from corslint.browser import PageRequest
from corslint.findings import Finding, Level
from corslint.frameworks import Role
from corslint.http import Request
from corslint.rules.base import ATTACKER, FASTAPI_APP, FLASK_APP, Example, PolicyProbe, Rule

HEADER_ROLES: dict[str, Role] = {
    "access-control-allow-methods": "methods",
    "access-control-allow-headers": "headers",
    "access-control-expose-headers": "expose",
}


class WildcardListWithCredentials(Rule):
    """
    ## What it does
    Finds a literal `*` sent in `Access-Control-Allow-Methods`,
    `Access-Control-Allow-Headers` or `Access-Control-Expose-Headers` by a policy that
    allows credentials. Hand-written code that answers preflights alone, its other
    responses carrying no CORS headers, is judged on what those answers send.

    ## Why is this bad?
    In those three headers `*` is a wildcard only for requests *without* credentials.
    With credentials the browser reads it as a method or header literally named `*`, so
    `Access-Control-Expose-Headers: *` exposes nothing to a logged-in page and
    `Access-Control-Allow-Headers: *` allows no custom header. The configuration looks
    permissive and silently is not. (Some frameworks reflect the requested headers when
    configured with `*`, which works; corslint checks what is actually sent.)

    ## Example
    ```python
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://app.example.com"],
        allow_credentials=True,
        expose_headers=["*"],
    )
    ```

    ## Use instead
    ```python
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://app.example.com"],
        allow_credentials=True,
        expose_headers=["X-Total-Count", "Content-Disposition"],
    )
    ```

    **Fix:** Unsafe (`--unsafe-fixes`), where the file names the list: `--fix` replaces
    the `*` with the name of the one module-level list whose name says what it holds
    (`ALLOWED_METHODS`, `ALLOWED_HEADERS`, `EXPOSED_HEADERS`), assigned once, before the
    option, to a literal list of plain names without `*`. Requests without credentials,
    for which `*` was a wildcard, then get only the listed names. Otherwise there is no
    fix: which names to list is the author's call.

    ## References
    - Fetch Standard, HTTP new-header syntax (note on `*`): https://fetch.spec.whatwg.org/#http-new-header-syntax
    """

    id = "CORS205"
    name = "wildcard-list-with-credentials"
    level = Level.WARNING
    summary = "A literal `*` in Allow-Methods/-Headers or Expose-Headers is ignored with credentials"
    tags = ("correctness",)
    bad = (
        Example(
            "starlette",
            FASTAPI_APP + "app.add_middleware(\n"
            "    CORSMiddleware,\n"
            '    allow_origins=["https://app.example.com"],\n'
            "    allow_credentials=True,\n"
            '    expose_headers=["*"],\n'
            ")\n",
        ),
        Example(
            "flask_cors",
            FLASK_APP
            + 'CORS(app, origins=["https://app.example.com"], supports_credentials=True, expose_headers="*")\n',
        ),
    )
    good = (
        Example(
            "starlette",
            FASTAPI_APP + "app.add_middleware(\n"
            "    CORSMiddleware,\n"
            '    allow_origins=["https://app.example.com"],\n'
            "    allow_credentials=True,\n"
            '    allow_headers=["*"],\n'
            '    expose_headers=["X-Total-Count"],\n'
            ")\n",
        ),
        Example(
            "flask_cors",
            FLASK_APP
            + 'CORS(app, origins=["https://app.example.com"], supports_credentials=True, expose_headers=["X-Total-Count"])\n',
        ),
    )

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        probe = probe.functional  # an unknown allow-list leaves this rule to judge
        origin = probe.allowed_origin
        if origin is None:  # code that answers preflights alone: judge what they carry
            yield from self._preflights_only(probe)
            return
        if not probe.credentials_enabled:
            return
        path = probe.policy.probe_path
        page = PageRequest(origin, "PUT", (("x-request-id", "1"),), credentials=True, path=path)
        preflight_answer = probe.respond(page.preflight())
        # an unknown preflight answer still carries what the policy wrote beforehand
        beforehand = probe.preflight_headers_written_beforehand(origin)
        responses = [
            preflight_answer if beforehand is None else beforehand,
            probe.respond(Request(probe.probe_method, origin, path=path, credentials=True)),
        ]
        reported: set[str] = set()
        for preflight, response in zip((True, False), responses, strict=True):
            if response is None or response.get("access-control-allow-origin") is None:
                continue
            for header, role in HEADER_ROLES.items():
                if not preflight and header != "access-control-expose-headers":
                    continue  # browsers read Allow-Methods and Allow-Headers on preflights alone
                value = response.get(header) or ""
                if header in reported or "*" not in [v.strip() for v in value.split(",")]:
                    continue
                reported.add(header)
                yield self.finding(
                    probe,
                    probe.locate(role),
                    f"{probe.display} sends `{header.title()}: {value}` to credentialed requests"
                    + (
                        " (on every response, so whatever answers its preflights sends it too)"
                        if preflight and beforehand
                        else ""
                    )
                    + ", "
                    "where browsers read `*` as a literal name rather than a wildcard: the "
                    f"setting has no effect for logged-in users{probe.condition(role)}",
                    related=probe.related(role),
                )

    def _preflights_only(self, probe: PolicyProbe) -> Iterator[Finding]:
        """Hand-written code whose ordinary responses carry no Allow-Origin while its
        OPTIONS answers allow an Origin with credentials (an `@app.middleware("http")`
        that answers preflights and passes everything else on): the preflight's `*` is
        what credentialed requests meet."""
        if not probe.framework.handwritten:
            return
        path = probe.policy.probe_path
        for origin in [ATTACKER, *probe.sample_origins]:
            page = PageRequest(origin, "PUT", (("x-request-id", "1"),), credentials=True, path=path)
            answer = probe.respond(page.preflight())
            if (
                answer is None
                or answer.get("access-control-allow-origin") is None
                or answer.get("access-control-allow-credentials") != "true"
            ):
                continue
            for header, role in HEADER_ROLES.items():
                value = answer.get(header) or ""
                if header == "access-control-expose-headers" or "*" not in [
                    v.strip() for v in value.split(",")
                ]:
                    continue
                yield self.finding(
                    probe,
                    probe.locate(role),
                    f"{probe.display} answers preflights with `{header.title()}: {value}` and "
                    "`Access-Control-Allow-Credentials: true`, where browsers read `*` as a "
                    "literal name rather than a wildcard: the setting has no effect for "
                    f"logged-in users{probe.condition(role)}",
                    related=probe.related(role),
                )
            return
