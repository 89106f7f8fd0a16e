"""Where an origin entry's finding points, and which origins an entry is meant to admit:
what the origin-entry rules (CORS101-106, CORS301) share beyond the probe itself."""

from __future__ import annotations

import functools
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field

from corslint.browser import canonical_origin
from corslint.findings import ENTRY_DEFINED_HERE, Related
from corslint.frameworks import Role
from corslint.model import Evidence, Location, Regex, Value
from corslint.rules.base import LOOPBACK_HOSTS, PolicyProbe, anchor_domain
from corslint.rules.conditions import condition_clause


@dataclass(frozen=True)
class EntryAnchor:
    """Where an entry-level finding points, and what it names as related."""

    location: Location
    related: tuple[Related, ...] = field(default=())


def origin_typos(probe: PolicyProbe) -> list[Evidence]:
    """Misspelt options that meant an origin option (`origin=` for Flask-CORS): who may
    read then comes from the default they fell back to, which a message should say. A
    typo elsewhere (`CORS_HEADERS`) explains nothing about origins."""
    return [
        evidence
        for evidence in probe.policy.evidence
        if evidence.kind == "unknown-option" and "origin" in evidence.detail.partition(";")[0].lower()
    ]


def anchor_entry(probe: PolicyProbe, role: Role, entry: Value) -> EntryAnchor:
    """Point at the entry itself when it is written inside the option (the option's value
    spans it, a JSON/YAML/TOML file holding the options, hand-written code's own check),
    else at the option that uses it, naming where the entry is defined: a variable, an
    environment default or a settings default, in the option's file or another."""
    option = _option_holding(probe, role, entry) or probe.option(role)
    if option is None or _written_inside(probe, option, entry.location):
        # an entry chosen elsewhere (`configured or FALLBACK` picks the fallback's entries)
        # names where
        chosen = tuple(Related(where, f"the {role} are chosen here") for where in entry.related)
        return EntryAnchor(entry.location, chosen)
    return EntryAnchor(option.location, (Related(entry.location, ENTRY_DEFINED_HERE),))


def star_entry_sites(probe: PolicyProbe) -> tuple[Location, ...] | None:
    """Where an any-origin finding belongs when one `*` entry among others in a list makes
    it (`origins=["https://a.example", os.environ.get("FRONTEND_URL", "*")]`): that entry,
    where it is written inside the option; None otherwise (the option's own sites)."""
    if probe.framework.handwritten:
        return None
    option = probe.option("origins")
    if option is None or not option.known or not isinstance(option.raw, (tuple, list)) or len(option.raw) < 2:
        return None
    stars = [e for e in option.raw if isinstance(e, Value) and e.known and e.raw in ("*", ".*", "^.*$")]
    if len(stars) != 1 or not _written_inside(probe, option, stars[0].location):
        return None
    return (stars[0].location,)


def _written_inside(probe: PolicyProbe, option: Value, where: Location) -> bool:
    """Whether an entry at `where` is written inside `option` itself: the option's value
    spans it (`allow_origins=[...]`, Django's `CORS_ALLOWED_ORIGINS = [...]`), or it sits
    in a data file beside the option (a JSON/YAML/TOML file holding the options), or in
    the file of hand-written code, whose allow-list is its check."""
    span = option.location
    if probe.framework.handwritten:
        return where.path in (probe.policy.location.path, span.path)
    if where.path != span.path:
        return False
    if where.path.endswith(_DATA_FILES):
        return True
    start, end = (where.line, where.column), (where.end_line, where.end_column)
    if (span.line, span.column) <= start and end <= (span.end_line, span.end_column):
        return True
    # an option placed at its name where its value is written (a config class's
    # `CORS_ORIGINS = [` seen at `CORS_ORIGINS`): the literal follows the name; a variable
    # it names was written before it
    return span in option.related and start > (span.end_line, span.end_column)


# files that hold the options themselves: an entry there is reported at its own line
_DATA_FILES = (".json", ".yaml", ".yml", ".toml")


def _option_holding(probe: PolicyProbe, role: Role, entry: Value) -> Value | None:
    """The option of `role` whose value holds `entry` (Django's `CORS_ALLOWED_ORIGINS`,
    not the `CORS_ALLOW_ALL_ORIGINS = False` the role names first). Hand-written code is
    judged where it writes the header, not where its allow-list is tested."""
    if probe.framework.handwritten:
        return None
    return probe.holders(role).get(id(entry))


@functools.lru_cache(maxsize=1024)
def origin_host(origin: str) -> str:
    try:
        return (urllib.parse.urlsplit(origin).hostname or "").lower()
    except ValueError:
        return ""


def is_under(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


# private-network hosts (RFC 1918) a regex entry may admit over plain http
_PRIVATE_HOSTS = ("192.168.1.20", "10.0.0.20", "172.16.0.20")


def _private_origins(pattern: str) -> list[str]:
    """The plain-http private-network origins the pattern itself admits, one per host
    (`192.168.x.x:5173` for a LAN regex): only such an entry is where a finding
    about them points. Ports tried: none, 3000 and those the pattern spells."""
    spelt = re.findall(r"(?<!\\)\b(\d{2,5})\b", pattern)
    ports = ["", ":3000", *dict.fromkeys(f":{port}" for port in spelt)]
    found = []
    for host in _PRIVATE_HOSTS:
        for port in ports:
            try:
                if re.search(pattern, f"http://{host}{port}"):
                    found.append(f"http://{host}{port}")
                    break
            except re.error:
                return []
    return found


def configured_origins(probe: PolicyProbe) -> Iterator[tuple[Value, str]]:
    """(entry, an origin it is meant to admit) for each configured origin entry.

    Literal entries give their canonical form; patterns give origins on the domain they
    name, plain `http://` and loopback variants included, so rules can ask the framework
    what it really admits.
    """
    # a misspelt twin of an entry written right (`http://localhost:5173/#/` beside
    # `http://localhost:5173`) admits nothing itself: the twin's finding is the one
    spelt_right = {
        entry.value.raw
        for entry in probe.origin_entries
        if entry.kind == "literal" and entry.value.known and isinstance(entry.value.raw, str)
    }
    for entry in probe.origin_entries:
        value = entry.value
        if not value.known:
            continue
        if entry.kind == "regex":
            raw = value.raw
            pattern = raw.pattern if isinstance(raw, Regex) else str(raw)
            domain = anchor_domain(pattern)
            hosts = [domain, f"app.{domain}"] if domain else []
            if domain and domain.rsplit(".", 1)[-1].isdigit():
                hosts = [domain]  # an address has no subdomains: `app.127.0.0.1` is no origin
            hosts += [h for h in ("localhost", "127.0.0.1") if h in pattern]
            for origin in _private_origins(pattern):  # a dev-friendly regex for the LAN
                yield value, origin
            # a loopback prefix names its dev server's port (`^http://localhost:5173` from a
            # `startsWith` list): that origin is the one it admits
            spelt = dict.fromkeys(re.findall(r":(\d{2,5})\b", pattern))
            for host in hosts:
                for scheme in ("https", "http"):
                    yield value, f"{scheme}://{host}"
                    if host in LOOPBACK_HOSTS:
                        for port in (*spelt, "3000"):
                            yield value, f"{scheme}://{host}:{port}"
            continue
        texts = [value.raw] if entry.kind == "literal" else str(value.raw).split(",")
        for text in texts:
            if isinstance(text, str) and (canonical := canonical_origin(text)):
                if text != canonical and canonical in spelt_right:
                    continue
                yield value, canonical


def entry_condition(probe: PolicyProbe, role: Role, entry: Value) -> str:
    """ " (when ORIGINS is unset)" for a finding on one entry: the variables whose defaults
    the entry, or the option holding it, was built from; not those of the role's other
    options (a literal `CORS_ALLOWED_ORIGIN_REGEXES` entry is not "when
    CORS_ALLOWED_ORIGINS is unset")."""
    holder = probe.holders(role).get(id(entry))
    if holder is None:
        return probe.condition(role)
    if entry.env_vars:
        return condition_clause(probe.policy, entry.env_vars)
    # a literal entry inherits the variables the list is the default of, not those of the
    # entries beside it: `[os.getenv("SITE_URL", ...), "http://localhost:5173"]` trusts
    # the loopback origin whatever SITE_URL says
    siblings = holder.raw if isinstance(holder.raw, tuple) else ()
    explained = {name for item in siblings if isinstance(item, Value) for name in item.env_vars}
    return condition_clause(probe.policy, [name for name in holder.env_vars if name not in explained])
