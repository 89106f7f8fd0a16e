import dataclasses
import functools
import re
from collections.abc import Iterator

from publicsuffixlist import PublicSuffixList

from corslint.browser import canonical_origin
from corslint.findings import Finding, Level
from corslint.model import Regex, Value
from corslint.rules.base import FASTAPI_APP, FLASK_APP, Example, PolicyProbe, Rule, anchor_domain
from corslint.rules.origin_entries import anchor_entry, entry_condition, is_under, origin_host
from corslint.rules.settled_options import is_unresolved


def lookalikes(domain: str) -> list[str]:
    """Origins an attacker can register that a sloppy pattern for `domain` may admit."""
    if "." not in domain:  # `/localhost/`: nobody registers a single-label name
        hosts = [
            f"{domain}.evil.test",
            f"app.{domain}.evil.test",
            f"evil{domain}.test",
            f"evil-{domain}.test",
        ]
        return [f"https://{host}" for host in hosts]
    if domain.rsplit(".", 1)[-1].isdigit():
        # an address (`127.0.0.1`): a host that ends in a number is parsed as one, so
        # `evil127.0.0.1` is no origin at all; a name that merely starts with it is
        return [f"https://{domain}.evil.test", f"https://app.{domain}.evil.test"]
    hosts = [
        f"evil{domain}",
        f"evil-{domain}",
        f"x{domain}",
        f"{domain}.evil.test",
        f"app.{domain}.evil.test",
        domain[:-1],
    ]
    for index, char in enumerate(domain):
        if char == ".":
            swapped = domain[:index] + "x" + domain[index + 1 :]
            hosts += [swapped, f"app.{swapped}"]
    return [f"https://{host}" for host in dict.fromkeys(hosts)]


def _entry_may_admit(probe: PolicyProbe, raw: object, origin: str) -> bool:
    """Whether this pattern entry can be the one admitting `origin`: another pattern of the
    same policy may admit it instead (`startsWith('http://192.168.5.9:')` beside a
    `^http://(10|192)[.]` RegExp, census 6 sample 3), and then the finding is that one's.
    A search is the loosest way any framework applies a pattern: no match here and a
    match by another pattern hands the origin over; otherwise the policy's answer decides."""
    if _searched(raw, origin) is not False:
        return True
    return not any(
        other.kind == "regex" and other.value.raw is not raw and _searched(other.value.raw, origin)
        for other in probe.origin_entries
        if other.value.known
    )


def _searched(raw: object, origin: str) -> bool | None:
    pattern = raw.pattern if isinstance(raw, Regex) else str(raw)
    try:
        return re.search(pattern, origin, re.IGNORECASE) is not None
    except re.error:
        return None  # a pattern Python cannot compile: not known


@functools.cache
def _public_suffixes() -> PublicSuffixList:
    return PublicSuffixList()  # the bundled Public Suffix List, ICANN and private sections


def shared_hosting_tenants(domain: str) -> list[str]:
    """Origins anyone can publish when `domain` is itself a public suffix (`vercel.app`,
    `github.io`, `onrender.com`, `co.uk`): each name under it is a site of its own, with
    or without a hyphen (`^https://\\w+\\.vercel\\.app$` admits only a name without one)."""
    base = domain.removeprefix("*.").strip(".")
    if "." not in base or not _public_suffixes().is_public(base):
        return []
    return [f"https://corslint-tenant.{base}", f"https://corslinttenant.{base}"]


class PermissiveOriginPattern(Rule):
    """
    ## What it does
    Finds origin patterns that admit origins their author did not mean, judged under the
    framework's own matching. corslint takes the domain the pattern names and asks the
    framework whether look-alike origins an attacker can register get in:
    `https://evilexample.com`, `https://example.com.evil.test`, `https://examplexcom`,
    `https://example.co`. A pattern anchored at a public suffix, a domain where anyone can
    publish a site of their own (`vercel.app`, `netlify.app`, `github.io`, `onrender.com`,
    `herokuapp.com`, per the Public Suffix List), is asked about a stranger's site there.

    ## Why is this bad?
    Matching differs between frameworks, and patterns are written for the one in the
    author's head:
    - Starlette's `allow_origin_regex` must match the whole origin, but Flask-CORS and
      django-cors-headers only anchor at the start (`re.match`), and Express runs an
      unanchored search, so a missing `$` admits `https://example.com.evil.test`.
    - An unescaped `.` matches any character: `https://api.example.com` as a regex also
      admits `https://apixexample.com`.
    - `.*example.com` crosses the domain boundary and admits `https://evilexample.com`.
    - Flask-CORS treats any origin string containing `*` as a regex, so the glob
      `https://*.example.com` admits `https://xexample.com` (and not the subdomains).
    - Starlette's `allow_origins="https://shop.example.com"` (a string, not a list) is a
      substring test: `https://shop.example.co` passes.

    - `/\\.vercel\\.app$/` admits your preview deployments and every other Vercel user's
      site: each name under a public suffix is a separate site with a separate owner.

    Whoever registers the look-alike domain (or publishes under the shared one) can read
    your responses from their page, with the user's cookies when credentials are allowed.

    ## Example
    ```python
    app.add_middleware(CORSMiddleware, allow_origin_regex=r"https://.*example.com")
    ```

    ## Use instead
    Escape dots, anchor both ends and require a dot before the parent domain:
    ```python
    app.add_middleware(CORSMiddleware, allow_origin_regex=r"https://([a-z0-9-]+\\.)?example\\.com")
    ```
    In Flask-CORS and Django also end the pattern with `$` (and start it with `^`);
    in Express use `/^https:\\/\\/([a-z0-9-]+\\.)?example\\.com$/`. Prefer a list of exact
    origins where you can. For previews on shared hosting, match your own project's
    names only (`^https://shop-web-[a-z0-9]+-acme\\.vercel\\.app$`), or give previews a
    domain of your own.

    ## References
    - PortSwigger, errors parsing Origin headers: https://portswigger.net/web-security/cors#errors-parsing-origin-headers
    - CWE-185, incorrect regular expression: https://cwe.mitre.org/data/definitions/185.html
    - Public Suffix List: https://publicsuffix.org/
    """

    id = "CORS104"
    name = "permissive-origin-pattern"
    level = Level.WARNING
    raised_with_credentials = True
    summary = "An origin pattern admits look-alike origins an attacker can register"
    security_severity = 7.5
    cwe = (942, 185)
    tags = ("security",)
    bad = (
        Example(
            "starlette",
            FASTAPI_APP + 'app.add_middleware(CORSMiddleware, allow_origin_regex=r"https://.*example.com")\n',
        ),
        Example(
            "starlette",
            FASTAPI_APP + 'app.add_middleware(CORSMiddleware, allow_origins="https://shop.example.com")\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origins=["https://*.example.com"])\n',
        ),
        Example(
            "starlette",
            FASTAPI_APP + "app.add_middleware(\n"
            '    CORSMiddleware, allow_origin_regex=r"https://.*\\.vercel\\.app", allow_credentials=True\n'
            ")\n",
        ),
    )
    good = (
        Example(
            "starlette",
            FASTAPI_APP
            + 'app.add_middleware(CORSMiddleware, allow_origin_regex=r"https://([a-z0-9-]+\\.)?example\\.com")\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origins=[r"^https://[a-z0-9-]+\\.example\\.com$"])\n',
        ),
    )

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        probe, switched_off = _allow_all_off(probe)
        if probe.any_origin_allowed:
            return
        path = probe.policy.probe_path
        for entry in probe.origin_entries:
            value = entry.value
            if not value.known or entry.kind == "literal":
                continue
            if entry.kind == "regex":
                raw = value.raw
                domains = [anchor_domain(raw.pattern if isinstance(raw, Regex) else str(raw))]
            else:
                domains = [
                    origin_host(c) for part in str(value.raw).split(",") if (c := canonical_origin(part))
                ]
            for domain in domains:
                if not domain:
                    continue
                admitted = [
                    origin
                    for origin in lookalikes(domain)
                    if not is_under(origin_host(origin), domain)
                    and (entry.kind != "regex" or _entry_may_admit(probe, value.raw, origin))
                    and probe.allows(origin, path=path)
                ] or [  # a pattern for plain-http origins (`http://localhost:*`)
                    plain
                    for origin in lookalikes(domain)
                    if not is_under(origin_host(origin), domain)
                    and (plain := "http" + origin.removeprefix("https"))
                    and (entry.kind != "regex" or _entry_may_admit(probe, value.raw, plain))
                    and probe.allows(plain, path=path)
                ]
                why = f"though they are not under `{domain}`: whoever registers such a domain"
                if not admitted:
                    admitted = [t for t in shared_hosting_tenants(domain) if probe.allows(t, path=path)][:1]
                    if not admitted:
                        continue
                    why = (
                        f"and `{domain.removeprefix('*.')}` is a public suffix, a domain under which "
                        "anyone can publish a site of their own (shared hosting): whoever does"
                    )
                credentialed = probe.allows(admitted[0], credentials=True, path=path)
                anchor = anchor_entry(probe, "origins", value)
                shown = ", ".join(f"`{origin}`" for origin in admitted[:3])
                how = "a substring test on this string" if entry.kind == "substring" else "this pattern"
                reach = "responses sent with this user's cookies" if credentialed else "its responses"
                yield self.finding(
                    probe,
                    anchor.location,
                    f"{probe.display} admits {shown} through {how}, {why} can read {reach}"
                    f"{entry_condition(probe, 'origins', value)}{switched_off}",
                    level=self.level_for(credentialed),
                    related=anchor.related + probe.related("origins"),
                )
                break


# django-cors-headers' allow-everything switches: while one is unknown (CORS305 says so), the
# patterns are in force whenever it is false, its default (census 9 B3, unicef/
# hope-country-report `config/fragments/cors.py`: `env("CORS_ORIGIN_ALLOW_ALL", default=False)`)
_ALLOW_ALL_SWITCHES = ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL")


def _allow_all_off(probe: PolicyProbe) -> tuple[PolicyProbe, str]:
    """`probe` with an unknown allow-all switch set to false, and " (when NAME is false)"."""
    unknown = [
        name
        for name in _ALLOW_ALL_SWITCHES
        if name in probe.framework.roles.get("origins", ())
        and (value := probe.policy.options.get(name)) is not None
        and is_unresolved(value)
    ]
    if not unknown or "**" in probe.policy.options:
        return probe, ""
    options = dict(probe.policy.options)
    for name in unknown:
        options[name] = Value(False, options[name].location)
    names = " and ".join(f"`{name}`" for name in unknown)
    off = PolicyProbe(dataclasses.replace(probe.policy, options=options))
    return off, f" (when {names} {'is' if len(unknown) == 1 else 'are'} false)"
