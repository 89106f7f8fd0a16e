import dataclasses
import re
from collections.abc import Iterator

from corslint.browser import canonical_origin
from corslint.findings import Finding, Level
from corslint.model import FunctionValue, Regex, Value
from corslint.rules.base import ATTACKER, DJANGO_WIRED, FASTAPI_APP, FLASK_APP, Example, PolicyProbe, Rule
from corslint.rules.origin_entries import anchor_entry, entry_condition
from corslint.rules.origin_regex_case import case_blocked_hosts
from corslint.rules.quoted_code import as_written

_GLOB_STAR = re.compile(r"(?<![.\])}\\])\*")
# an origin with an application's own scheme (Capacitor, Electron, Tauri, browser
# extensions): a real Origin header, though not one canonical_origin knows
_APP_SCHEME_ORIGIN = re.compile(r"(?!https?://)[a-z][a-z0-9+.-]*://[^\s/]+", re.IGNORECASE)


def why_different(entry: str, canonical: str) -> str:
    stripped = entry.strip()
    if stripped != entry:
        return "it has surrounding whitespace"
    if "*" in entry:
        return "`*` is not a wildcard here"
    if "://" not in entry:
        return "it has no scheme"
    rest = entry.split("://", 1)[1]
    if "/" in rest:
        return "it has a path (a trailing slash counts): an Origin header never does"
    if rest.rsplit(":", 1)[-1] in {"80", "443"}:
        return "it spells out the default port, which browsers omit"
    if entry.lower() == canonical:
        return "browsers send scheme and host in lower case, and this framework compares case-sensitively"
    return "it is not how a browser serializes an origin"


_CASE_OR_UNKNOWN = frozenset(
    {
        "browsers send scheme and host in lower case, and this framework compares case-sensitively",
        "it is not how a browser serializes an origin",
    }
)


def _admitted_without(probe: PolicyProbe, entry: Value, origin: str) -> bool:
    """Whether another entry admits `origin`: the policy with `entry` swapped for an origin
    no browser sends still admits it (False when the entry cannot be found to swap)."""
    swapped: list[Value] = []

    def without(value: Value) -> Value:
        if value is entry:
            swapped.append(value)
            return Value(_NO_ORIGIN, value.location)
        raw = value.raw
        if not value.known:
            return value
        if isinstance(raw, tuple):
            return dataclasses.replace(value, raw=tuple(without(item) for item in raw))
        if isinstance(raw, dict):
            return dataclasses.replace(value, raw={key: without(item) for key, item in raw.items()})
        if isinstance(raw, FunctionValue) and raw.allowed:
            return dataclasses.replace(
                value, raw=dataclasses.replace(raw, allowed=tuple(without(item) for item in raw.allowed))
            )
        return value

    options = {name: without(value) for name, value in probe.policy.options.items()}
    if not swapped:
        return False
    other = PolicyProbe(dataclasses.replace(probe.policy, options=options))
    return other.allows(origin, path=probe.policy.probe_path)


_NO_ORIGIN = "https://entry-left-out.invalid"


class MalformedOrigin(Rule):
    """
    ## What it does
    Finds origin entries that can never equal the `Origin` header a browser sends, under
    the framework's own comparison: a trailing slash or path, a missing scheme, a default
    port spelled out (`:443`), a `*` glob where the framework compares literally,
    surrounding whitespace, or upper case where the comparison is case-sensitive. It also
    reports origin settings the library itself rejects (an invalid regex that stops the
    app from starting, django-cors-headers system checks such as `corsheaders.E013` and
    `corsheaders.E014` that fail `manage.py check`).

    An entry whose intended origin another entry already admits
    (`["https://app.example.com/shop", "https://app.example.com"]`) is reported as a
    warning: it blocks nothing, but it is dead, and its author meant something it does not
    do.

    ## Why is this bad?
    A browser serializes an origin as `scheme://host[:port]`: lower-case, no path, no
    trailing slash, no default port. `https://app.example.com/` is copied from the
    address bar, looks right in review, and matches nothing: the front end gets *"No
    'Access-Control-Allow-Origin' header is present"* and someone "fixes" it with `*`.
    Globs such as `https://*.example.com` are not supported by most libraries, and in
    Flask-CORS they silently become a regex that matches the wrong origins (CORS104).

    ## Example
    ```python
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://app.example.com/", "https://*.example.com"],
    )
    ```

    ## Use instead
    ```python
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://app.example.com"],
        allow_origin_regex=r"https://[a-z0-9-]+\\.example\\.com",
    )
    ```

    **Fix:** Safe, for a literal entry (Python, JavaScript, JSON, YAML, TOML): `--fix` drops the
    trailing slash or path, drops a default port spelled out, and writes scheme and host in
    lower case, keeping the literal's quotes. The entry then names the origin it was meant
    to, and nothing more. Entries with whitespace, a `*` glob, user info, no scheme, or
    built at run time have no fix: what was meant is not certain.

    ## References
    - RFC 6454, serializing an origin: https://www.rfc-editor.org/rfc/rfc6454#section-6.2
    - MDN, Origin: https://developer.mozilla.org/docs/Web/HTTP/Headers/Origin
    """

    id = "CORS301"
    name = "malformed-origin"
    level = Level.ERROR
    summary = "An origin entry can never equal a browser's Origin header"
    tags = ("correctness",)
    judges_inactive = True
    bad = (
        Example(
            "django",
            DJANGO_WIRED + 'CORS_ALLOWED_ORIGINS = ["https://app.example.com/"]\n',
        ),
        Example(
            "starlette",
            FASTAPI_APP + 'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com/"])\n',
        ),
        Example(
            "starlette",
            FASTAPI_APP
            + 'app.add_middleware(CORSMiddleware, allow_origin_regex="https://(app|admin.example.com")\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origins=["https://app.example.com/"])\n',
        ),
    )
    good = (
        Example(
            "django",
            DJANGO_WIRED + 'CORS_ALLOWED_ORIGINS = ["https://app.example.com"]\n',
        ),
        Example(
            "starlette",
            FASTAPI_APP
            + 'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com", "http://localhost:3000"])\n',
        ),
        Example(
            "flask_cors",
            FLASK_APP + 'CORS(app, origins=["https://app.example.com"])\n',
        ),
    )

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        path = probe.policy.probe_path
        checks = [
            c
            for c in probe.framework.library_checks(probe.policy)
            if c.concerns != "max_age" and not c.stateful  # CORS306 reports those
        ]
        # the library's own verdict on an entry (a system check id) says more than ours
        judged = {check.location for check in checks}
        admits_any: bool | None = None  # worked out at the first entry that needs it
        for entry in probe.origin_entries:
            value = entry.value
            if not value.known:
                continue
            raw = value.raw
            text = raw.pattern if isinstance(raw, Regex) else raw
            if not isinstance(text, str) or entry.kind == "substring":
                continue
            if entry.kind == "regex" and not _GLOB_STAR.search(text):
                yield from self._case_blocked(probe, value, text)
                continue
            if text.strip() in {"null", ""}:
                continue  # CORS102 judges `null`
            anchor = anchor_entry(probe, "origins", value)
            if anchor.location in judged or value.location in judged:
                continue
            if text.strip() == "*":
                if entry.kind == "literal" and not probe.any_origin_allowed:
                    yield self.finding(
                        probe,
                        anchor.location,
                        f"{probe.display} compares `*` in a list literally: no browser sends "
                        "`Origin: *`, so the entry admits nothing (a wildcard must stand alone, "
                        "not inside the list)" + probe.condition("origins"),
                        related=anchor.related,
                    )
                continue
            canonical = canonical_origin(text)
            if canonical is None:
                if entry.kind == "regex":
                    continue  # compiled as a regex, it admits origins: CORS104 judges which
                if _APP_SCHEME_ORIGIN.fullmatch(text.strip()):
                    continue  # `capacitor://localhost`, `app://obsidian.md`: what app webviews send
                yield self.finding(
                    probe,
                    anchor.location,
                    f"{probe.display}: `{text}` is not an origin (`scheme://host[:port]`), so no "
                    "browser request will ever match it",
                    related=anchor.related,
                )
                continue
            if text == canonical:
                continue
            reason = why_different(text, canonical)
            level: Level | None = None
            if admits_any is None:
                admits_any = probe.allows(ATTACKER, path=path)
            if admits_any:
                # a `*` beside the entry admits every origin, so matching cannot tell; only a
                # literal entry's shape can, and case is left alone (some frameworks ignore it)
                if entry.kind != "literal" or reason in _CASE_OR_UNKNOWN:
                    continue
                consequence = (
                    "; a `*` in the same setting admits every origin today, so the entry only "
                    f"bites once that `*` is removed: then `Origin: {canonical}` is blocked"
                )
            elif probe.allows(canonical, path=path):
                if not _admitted_without(probe, value, canonical):
                    continue  # the framework reads the entry itself that way (a `*` glob)
                # `['https://a.example/app', 'https://a.example']`: the entry is dead, and
                # whoever wrote it meant something it does not do; nothing is blocked
                level = Level.WARNING
                consequence = (
                    f"; `Origin: {canonical}` is admitted by another entry, so this one is dead: "
                    "remove it, or spell the origin it was meant to be"
                )
            else:
                consequence = f"; the browser sends `Origin: {canonical}`, whose requests are then blocked"
            yield self.finding(
                probe,
                anchor.location,
                f"{probe.display} never matches `{text}`: {reason}"
                + (f" ({as_written(value.description, value.location.path)})" if value.description else "")
                + consequence
                + entry_condition(probe, "origins", value),
                level=level,
                related=anchor.related,
            )
        for check in checks:
            yield self.finding(probe, check.location, f"{probe.display} ({check.code}): {check.message}")

    def _case_blocked(self, probe: PolicyProbe, value: Value, pattern: str) -> Iterator[Finding]:
        """An upper-case host alternative of a case-sensitive origin regex (census 6 P23)."""
        anchor = anchor_entry(probe, "origins", value)
        for blocked in case_blocked_hosts(probe, pattern, probe.policy.probe_path):
            yield self.finding(
                probe,
                anchor.location,
                f"{probe.display} never matches `{blocked.written}` with its regex: browsers send "
                "scheme and host in lower case, and this framework matches the regex case-sensitively; "
                f"the browser sends `Origin: {blocked.sent}`, whose requests are then blocked"
                + entry_condition(probe, "origins", value),
                related=anchor.related,
            )
