from collections.abc import Iterator

from corslint.findings import Finding, Level
from corslint.rules.base import ATTACKER, FASTAPI_APP, FLASK_APP, LOOPBACK_HOSTS, Example, PolicyProbe, Rule
from corslint.rules.origin_entries import anchor_entry, configured_origins, entry_condition, origin_host


class LocalhostOrigin(Rule):
    """
    ## What it does
    Finds loopback origins (`localhost` and any `*.localhost` name, `127.0.0.1`, `0.0.0.0`,
    `[::1]`) trusted by configuration that is not clearly for development only.
    Configuration counts as development-only when its file or folder is named for
    development, local or test use (`settings/dev.py`, `local_settings.py`, `tests/`), or
    when it sits under an `if DEBUG:` style check.

    ## Why is this bad?
    `http://localhost:3000` is the front-end dev server on a developer's laptop. In
    production it means "any program listening on that port on the visitor's machine":
    another local web app, a malicious package's dev server, or a page served by a tool
    the user runs. Each of those then reads your production API with the visitor's
    cookies. It is usually a leftover from development, shipped because the same
    settings serve every environment.

    ## Example
    ```python
    # app/main.py, used in production
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://app.example.com", "http://localhost:3000"],
    )
    ```

    ## Use instead
    Read development origins from the environment, or add them only when debugging:
    ```python
    origins = ["https://app.example.com"]
    if settings.DEBUG:
        origins.append("http://localhost:3000")
    ```

    ## References
    - OWASP, CORS origin header scrutiny: https://owasp.org/www-community/attacks/CORS_OriginHeaderScrutiny
    """

    id = "CORS106"
    name = "localhost-origin"
    level = Level.NOTE
    summary = "A loopback origin is trusted outside development-only configuration"
    security_severity = 3.1
    cwe = (942,)
    tags = ("security",)
    bad = (
        Example(
            "starlette",
            FASTAPI_APP + "app.add_middleware(\n"
            "    CORSMiddleware,\n"
            '    allow_origins=["https://app.example.com", "http://localhost:3000"],\n'
            ")\n",
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origins=["https://app.example.com", "http://localhost:3000"])\n',
        ),
    )
    good = (
        Example(
            "starlette",
            "from fastapi import FastAPI\n"
            "from fastapi.middleware.cors import CORSMiddleware\n\n"
            "DEBUG = False\n"
            "app = FastAPI()\n"
            "if DEBUG:\n"
            '    app.add_middleware(CORSMiddleware, allow_origins=["http://localhost:3000"])\n'
            "else:\n"
            '    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origins=["https://app.example.com"])\n',
        ),
    )

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        path = probe.policy.probe_path
        # where any origin is let in without cookies, a listed one matters only if it
        # alone is sent credentials (`*` for the rest, the listed origin echoed)
        only_credentials = probe.any_origin_allowed
        if probe.policy.development_only:
            return
        if only_credentials and probe.allows(ATTACKER, credentials=True, path=path):
            return
        reported: set[int] = set()
        for entry, origin in configured_origins(probe):
            host = origin_host(origin)
            # `http://admin.localhost:3000`: browsers resolve every `*.localhost` name to the
            # loopback interface (RFC 6761), like `localhost` itself
            loopback = host in LOOPBACK_HOSTS or host.startswith("127.") or host.endswith(".localhost")
            if id(entry) in reported or not loopback:
                continue
            if not probe.allows(origin, path=path):
                continue
            if only_credentials and not probe.allows(origin, credentials=True, path=path):
                continue
            reported.add(id(entry))
            anchor = anchor_entry(probe, "origins", entry)
            yield self.finding(
                probe,
                anchor.location,
                f"{probe.display} trusts the loopback origin `{origin}` in configuration that is "
                "not marked development-only: any program serving that port on a visitor's "
                f"machine can read responses{entry_condition(probe, 'origins', entry)}",
                related=anchor.related + probe.related("origins"),
            )
