from collections.abc import Iterator

from corslint.findings import Finding, Level
from corslint.rules.base import ATTACKER, FASTAPI_APP, FLASK_APP, LOOPBACK_HOSTS, Example, PolicyProbe, Rule
from corslint.rules.origin_entries import anchor_entry, configured_origins, entry_condition, origin_host

# top-level domains whose every name is on browsers' HSTS preload list: a page there is
# always loaded over https, so no browser sends an `http:` Origin from one
HTTPS_ONLY_TLDS = frozenset({"app", "dev", "page", "foo"})


class InsecureOrigin(Rule):
    """
    ## What it does
    Finds trusted origins served over plain `http:` (other than loopback addresses).

    ## Why is this bad?
    Trusting an origin means trusting every script that runs there. On `http:` anyone
    on the network path (public Wi-Fi, a compromised router, an ISP injecting content)
    can rewrite the page and add their own script. That script runs *as* the trusted
    origin, so its requests to your API pass the CORS check and it can read the answers,
    with the user's cookies if credentials are allowed. HTTPS on the API does not help
    when an `http:` page may read from it.

    A pattern can admit `http:` without saying so: `https?://...`, or a regex that does
    not spell out the scheme.

    ## Example
    ```python
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["http://app.example.com"],
        allow_credentials=True,
    )
    ```

    ## Use instead
    ```python
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://app.example.com"],
        allow_credentials=True,
    )
    ```
    Serve the front end over HTTPS (with HSTS) and list only its `https:` origin.

    ## References
    - OWASP, Testing Cross Origin Resource Sharing: https://owasp.org/www-project-web-security-testing-guide/
    - CWE-319: https://cwe.mitre.org/data/definitions/319.html
    """

    id = "CORS103"
    name = "insecure-origin"
    level = Level.WARNING
    raised_with_credentials = True
    summary = "An `http:` origin is trusted, so a network attacker can read responses"
    security_severity = 6.5
    cwe = (942, 319)
    tags = ("security",)
    bad = (
        Example(
            "starlette",
            FASTAPI_APP + 'app.add_middleware(CORSMiddleware, allow_origins=["http://app.example.com"])\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origins=["http://app.example.com"], supports_credentials=True)\n',
        ),
    )
    good = (
        Example(
            "starlette",
            FASTAPI_APP + 'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origins=["https://app.example.com"], supports_credentials=True)\n',
        ),
    )

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        # where any origin is let in without cookies, a listed one matters only if it
        # alone is sent credentials (`*` for the rest, the listed origin echoed)
        only_credentials = probe.any_origin_allowed
        if only_credentials and probe.allows(ATTACKER, credentials=True, path=probe.policy.probe_path):
            return
        path = probe.policy.probe_path
        reported: set[int] = set()
        for entry, origin in configured_origins(probe):
            if id(entry) in reported or not origin.startswith("http://"):
                continue
            host = origin_host(origin)
            if (
                host in LOOPBACK_HOSTS
                or host.startswith("127.")
                or host.endswith(".localhost")  # loopback too (RFC 6761), as browsers resolve it
                or host.rsplit(".", 1)[-1] in HTTPS_ONLY_TLDS
            ):
                continue
            if not probe.allows(origin, path=path):
                continue
            reported.add(id(entry))
            credentialed = probe.allows(origin, credentials=True, path=path)
            if only_credentials and not credentialed:
                continue
            anchor = anchor_entry(probe, "origins", entry)
            reach = "responses sent with this user's cookies" if credentialed else "its responses"
            yield self.finding(
                probe,
                anchor.location,
                f"{probe.display} trusts `{origin}`, which is served over plain HTTP: anyone on "
                f"the network path can inject script there and read {reach}{entry_condition(probe, 'origins', entry)}",
                level=self.level_for(credentialed),
                related=anchor.related + probe.related("origins"),
            )
