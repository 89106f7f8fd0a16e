"""django-cors-headers ``CorsMiddleware`` (measured on django-cors-headers 4.9.0, Django 5.2).

Before 3.0 (read from django-cors-headers 2.3.0's source) the allow-list held hosts:
``CORS_ORIGIN_WHITELIST`` entries were compared with the Origin's netloc alone
(``localhost:4200`` admitted ``http://`` and ``https://localhost:4200``; an entry with a
scheme never matched), only the legacy names were read, and the system checks had no
E012-E015. The extractor records the major the project's manifests pin under
``VERSION_OPTION``; without it, the current behaviour is modelled.

Options are the Django settings themselves, under the names the settings module uses,
legacy aliases included. The model follows the middleware's data flow on the values
exactly as written: a bare string where a list was meant is iterated character by
character, a truthy string counts as True, as the real middleware does.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import urllib.parse
from collections.abc import Sequence
from typing import Any

import corslint.frameworks.bounded_regex as bounded_regex
from corslint.frameworks.framework import Framework, LibraryCheck, Options, OriginEntry, Responder, Role
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, Regex, Value

DEFAULT_HEADERS = ("accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with")
DEFAULT_METHODS = ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")

VERSION_OPTION = "$version"  # not a setting: the installed major, when the manifests pin it
# not a setting either: a `check_request_enabled` receiver that answers true whatever the
# Origin (`check_signal`): the library then echoes any origin on the requests it admits
RECEIVER_OPTION = "$receiver"
FIRST_SCHEMED_MAJOR = 3  # 3.0.0: allow-list entries are origins (scheme://host[:port])
CURRENT_MAJOR = 4  # the major modelled when the manifests pin none (4.9.0)
# settings the library's checks reject, and the major that removed them (read from the
# releases' corsheaders/checks.py and conf.py: 3.0.0 rejects CORS_MODEL (E012); 3.2.0 to
# 3.14.0 still read CORS_REPLACE_HTTPS_REFERER, which 4.0.0 removed and rejects (E013))
REMOVED_SETTINGS = (("CORS_MODEL", "E012", 3), ("CORS_REPLACE_HTTPS_REFERER", "E013", 4))
# setting -> the legacy alias the library falls back to when the setting is absent
ALIASES = {
    "CORS_ALLOWED_ORIGINS": "CORS_ORIGIN_WHITELIST",
    "CORS_ALLOWED_ORIGIN_REGEXES": "CORS_ORIGIN_REGEX_WHITELIST",
    "CORS_ALLOW_ALL_ORIGINS": "CORS_ORIGIN_ALLOW_ALL",
}
LEGACY = {legacy: new for new, legacy in ALIASES.items()}
DEFAULTS: dict[str, Any] = {
    "CORS_ALLOWED_ORIGINS": (),
    "CORS_ALLOWED_ORIGIN_REGEXES": (),
    "CORS_ALLOW_ALL_ORIGINS": False,
    "CORS_ALLOW_CREDENTIALS": False,
    "CORS_ALLOW_PRIVATE_NETWORK": False,
    "CORS_ALLOW_HEADERS": DEFAULT_HEADERS,
    "CORS_ALLOW_METHODS": DEFAULT_METHODS,
    "CORS_EXPOSE_HEADERS": (),
    "CORS_PREFLIGHT_MAX_AGE": 86400,
    "CORS_URLS_REGEX": r"^.*$",
}
# Settings the library reads, plus removed ones its checks still reject.
SETTINGS = frozenset(DEFAULTS) | frozenset(LEGACY) | {"CORS_MODEL", "CORS_REPLACE_HTTPS_REFERER"}
# Value.description of a setting written as a set: not a Sequence for the system checks
SET_DISPLAY = "set display"
_FLAG_BITS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE, "a": re.ASCII}


def major(policy: CorsPolicy) -> int | None:
    value = policy.options.get(VERSION_OPTION)
    raw = value.raw if value is not None else None
    return raw if isinstance(raw, int) and not isinstance(raw, bool) else None


def host_only(policy: CorsPolicy) -> bool:
    """Whether the installed major compares allow-list entries with the Origin's netloc."""
    found = major(policy)
    return found is not None and found < FIRST_SCHEMED_MAJOR


def effective(policy: CorsPolicy, name: str) -> Value | None:
    """The option the library reads for `name`: the setting, else its legacy alias (only
    the legacy name before 3.0)."""
    if name in ALIASES and host_only(policy):
        return policy.option(ALIASES[name])
    value = policy.option(name)
    if value is None and name in ALIASES:
        value = policy.option(ALIASES[name])
    return value


def setting(policy: CorsPolicy, name: str) -> Any:
    if name == VERSION_OPTION:
        return major(policy)
    if name == RECEIVER_OPTION:
        admitting = policy.options.get(RECEIVER_OPTION)
        return admitting is not None and admitting.raw is True
    value = effective(policy, name)
    return DEFAULTS[name] if value is None else _compiled(value.plain())


def _compiled(raw: Any) -> Any:
    """`re.compile(...)` values become real patterns, as the settings module would hold."""
    if isinstance(raw, Regex):
        flags = 0
        for letter in raw.flags:
            flags |= _FLAG_BITS.get(letter, 0)
        return re.compile(raw.pattern, flags)
    if isinstance(raw, tuple):
        return tuple(_compiled(item) for item in raw)
    return raw


def is_enabled(policy: CorsPolicy, path: str) -> bool:
    return bounded_regex.match(setting(policy, "CORS_URLS_REGEX"), path) is not None


def _origin_listed(
    origin: str, url: urllib.parse.SplitResult, allowed: Any, regexes: Any, hosts: bool = False
) -> bool:
    if origin == "null" and origin in allowed:
        return True
    if hosts:  # before 3.0: `url.netloc in CORS_ORIGIN_WHITELIST`
        return url.netloc in allowed or any(bounded_regex.match(pattern, origin) for pattern in regexes)
    # scheme + netloc only: the scheme is lower-cased by urlsplit, the host is not
    for entry in allowed:
        if not isinstance(entry, str):
            # the library crashes here (500 on every cross-origin request); say so the same way
            raise TypeError(f"CORS_ALLOWED_ORIGINS holds {entry!r}, which is not a string")
        parsed = urllib.parse.urlsplit(entry)
        if parsed.scheme == url.scheme and parsed.netloc == url.netloc:
            return True
    return any(bounded_regex.match(pattern, origin) for pattern in regexes)


def answers_path(policy: CorsPolicy, path: str) -> bool:
    """Whether the middleware handles requests for `path` (CORS_URLS_REGEX)."""
    return is_enabled(policy, path_info(path))


def path_info(path: str) -> str:
    """What Django's `request.path_info` holds for a request line's path: no query, decoded."""
    path = path.split("#", 1)[0].split("?", 1)[0]
    return urllib.parse.unquote(path) or "/"


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, setting), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, setting))


def _respond(options: Options, request: Request) -> Response:
    headers = HeaderList()
    if bounded_regex.match(options["CORS_URLS_REGEX"], path_info(request.path)) is None:  # is_enabled
        return headers.response(None)
    method = request.method.upper()
    preflight = method == "OPTIONS" and request.header("access-control-request-method") is not None
    status = 200 if preflight else None
    headers.set("Vary", "origin")
    origin = request.origin
    if not origin:
        return headers.response(status)
    try:
        url = urllib.parse.urlsplit(origin)
    except ValueError:
        return headers.response(status)
    allow_all = options["CORS_ALLOW_ALL_ORIGINS"]
    credentials = options["CORS_ALLOW_CREDENTIALS"]
    hosts = (options[VERSION_OPTION] or FIRST_SCHEMED_MAJOR) < FIRST_SCHEMED_MAJOR
    if (
        not allow_all
        and not _origin_listed(
            origin, url, options["CORS_ALLOWED_ORIGINS"], options["CORS_ALLOWED_ORIGIN_REGEXES"], hosts
        )
        and not options[RECEIVER_OPTION]
    ):
        return headers.response(status)
    headers.set("Access-Control-Allow-Origin", "*" if allow_all and not credentials else origin)
    if credentials:
        headers.set("Access-Control-Allow-Credentials", "true")
    expose = options["CORS_EXPOSE_HEADERS"]
    if len(expose):
        headers.set("Access-Control-Expose-Headers", ", ".join(expose))
    if method == "OPTIONS":
        headers.set("Access-Control-Allow-Headers", ", ".join(options["CORS_ALLOW_HEADERS"]))
        headers.set("Access-Control-Allow-Methods", ", ".join(options["CORS_ALLOW_METHODS"]))
        max_age = options["CORS_PREFLIGHT_MAX_AGE"]
        if max_age:
            headers.set("Access-Control-Max-Age", str(max_age))
    if (
        options["CORS_ALLOW_PRIVATE_NETWORK"]
        and request.header("access-control-request-private-network") == "true"
    ):
        headers.set("Access-Control-Allow-Private-Network", "true")
    return headers.response(status)


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    entries: list[OriginEntry] = []
    origins = effective(policy, "CORS_ALLOWED_ORIGINS")
    if origins is not None and origins.known:
        hosts = host_only(policy)
        entries.extend(
            OriginEntry(_as_origin(entry) if hosts else entry, "literal") for entry in origins.entries
        )
    regexes = effective(policy, "CORS_ALLOWED_ORIGIN_REGEXES")
    if regexes is not None and regexes.known:
        entries.extend(OriginEntry(entry, "regex") for entry in regexes.entries)
    return tuple(entries)


def _as_origin(entry: Value) -> Value:
    """A pre-3.0 host entry (`localhost:4200`) as the origin its author meant."""
    if entry.known and isinstance(entry.raw, str) and entry.raw and "://" not in entry.raw:
        return dataclasses.replace(entry, raw=f"http://{entry.raw}")
    return entry


# -- the library's system checks (corsheaders/checks.py), on the extracted values ------


def _is_sequence(value: Value, raw: Any, types: tuple[type, ...]) -> bool:
    # list and tuple literals are tuples here; a str is a Sequence too, as in the library
    if value.description == SET_DISPLAY:
        return False
    return isinstance(raw, (tuple, str)) and all(isinstance(item, types) for item in raw)


def library_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    if any(evidence.kind == "checks-disabled" for evidence in policy.evidence):
        return ()  # corsheaders is not an installed app: Django never runs its checks
    checks: list[LibraryCheck] = []
    hosts = host_only(policy)  # before 3.0: no E012-E015, and entries are hosts

    def known(name: str) -> tuple[Value, Any] | None:
        value = effective(policy, name)
        if value is None:
            return None
        try:
            return value, _compiled(value.plain())
        except Exception:  # unresolved: CORS305 reports it, the check cannot be judged
            return None

    def add(code: str, role: Role, message: str, value: Value) -> None:
        checks.append(
            LibraryCheck(f"corsheaders.{code}", role, f"{message}; `manage.py check` fails", value.location)
        )

    sequence_checks: Sequence[tuple[str, str, Role, tuple[type, ...], str]] = (
        ("CORS_ALLOW_HEADERS", "E001", "headers", (str,), "should be a sequence of strings"),
        ("CORS_ALLOW_METHODS", "E002", "methods", (str,), "should be a sequence of strings"),
    )
    for name, code, role, types, text in sequence_checks:
        found = known(name)
        if found is not None and not _is_sequence(found[0], found[1], types):
            add(code, role, f"{name} {text}", found[0])
    for name, code, role in (
        ("CORS_ALLOW_CREDENTIALS", "E003", "credentials"),
        ("CORS_ALLOW_PRIVATE_NETWORK", "E015", "credentials"),
    ):
        found = known(name) if not (hosts and code == "E015") else None
        if found is not None and not isinstance(found[1], bool):
            add(code, role, f"{name} should be a bool, not {found[1]!r}", found[0])
    found = known("CORS_PREFLIGHT_MAX_AGE")
    if found is not None and (not isinstance(found[1], int) or found[1] < 0):
        add(
            "E004", "max_age", f"CORS_PREFLIGHT_MAX_AGE should be an integer >= 0, not {found[1]!r}", found[0]
        )
    found = known("CORS_ALLOW_ALL_ORIGINS")
    if found is not None and not isinstance(found[1], bool):
        name = _spelled(policy, "CORS_ALLOW_ALL_ORIGINS")
        add(
            "E005",
            "origins",
            f"{name} should be a bool, not {found[1]!r} (it still counts as {bool(found[1])})",
            found[0],
        )
    found = known("CORS_ALLOWED_ORIGINS")
    if found is not None:
        checks.extend(_origin_checks(policy, *found, hosts=hosts))
    found = known("CORS_ALLOWED_ORIGIN_REGEXES")
    if found is not None and not _is_sequence(found[0], found[1], (str, re.Pattern)):
        name = _spelled(policy, "CORS_ALLOWED_ORIGIN_REGEXES")
        add("E007", "origins", f"{name} should be a sequence of strings and/or compiled regexes", found[0])
    found = known("CORS_EXPOSE_HEADERS")
    if found is not None and not _is_sequence(found[0], found[1], (str,)):
        add("E008", "expose", "CORS_EXPOSE_HEADERS should be a sequence of strings", found[0])
    found = known("CORS_URLS_REGEX")
    if found is not None and not isinstance(found[1], (str, re.Pattern)):
        add("E009", "origins", "CORS_URLS_REGEX should be a string or regex", found[0])
    for name, code, since in REMOVED_SETTINGS:
        if (major(policy) or CURRENT_MAJOR) < since:
            continue  # still a setting of the pinned release
        value = policy.option(name)
        if value is not None:
            add(code, "origins", f"the {name} setting has been removed from django-cors-headers", value)
    return tuple(checks)


def _spelled(policy: CorsPolicy, name: str) -> str:
    return name if policy.option(name) is not None else ALIASES[name]


def _origin_checks(policy: CorsPolicy, value: Value, raw: Any, *, hosts: bool) -> list[LibraryCheck]:
    name = _spelled(policy, "CORS_ALLOWED_ORIGINS")
    suffix = "; `manage.py check` fails"
    if not _is_sequence(value, raw, (str,)):
        return [
            LibraryCheck(
                "corsheaders.E006",
                "origins",
                f"{name} should be a sequence of strings{suffix}",
                value.location,
            )
        ]
    if hosts:
        return []  # entries are hosts, not origins: nothing else is checked
    if isinstance(raw, str):
        # The library checks each character as an origin: one E013 per character.
        return (
            [
                LibraryCheck(
                    "corsheaders.E013",
                    "origins",
                    f"{name} is a string, not a list: each of its {len(raw)} characters is checked as an "
                    f"origin missing scheme or netloc{suffix}; at runtime it admits `Origin: null`",
                    value.location,
                )
            ]
            if raw
            else []
        )
    checks: list[LibraryCheck] = []
    for entry in value.entries:
        text = entry.raw
        if text in ("null", "file://"):
            continue
        parsed = urllib.parse.urlsplit(text)
        if parsed.scheme == "" or parsed.netloc == "":
            checks.append(
                LibraryCheck(
                    "corsheaders.E013",
                    "origins",
                    f"origin {text!r} in {name} is missing scheme or netloc{suffix}; at runtime it "
                    "admits `Origin: null`",
                    entry.location,
                )
            )
            continue
        for part in ("path", "query", "fragment"):
            if getattr(parsed, part) != "":
                checks.append(
                    LibraryCheck(
                        "corsheaders.E014",
                        "origins",
                        f"origin {text!r} in {name} should not have a {part}{suffix}",
                        entry.location,
                    )
                )
    return checks


FRAMEWORK = Framework(
    name="django",
    display="django-cors-headers",
    respond=respond,
    roles={
        "origins": (
            RECEIVER_OPTION,
            "CORS_ALLOW_ALL_ORIGINS",
            "CORS_ORIGIN_ALLOW_ALL",
            "CORS_ALLOWED_ORIGINS",
            "CORS_ORIGIN_WHITELIST",
            "CORS_ALLOWED_ORIGIN_REGEXES",
            "CORS_ORIGIN_REGEX_WHITELIST",
        ),
        "credentials": ("CORS_ALLOW_CREDENTIALS",),
        "methods": ("CORS_ALLOW_METHODS",),
        "headers": ("CORS_ALLOW_HEADERS",),
        "expose": ("CORS_EXPOSE_HEADERS",),
        "max_age": ("CORS_PREFLIGHT_MAX_AGE",),
    },
    origin_entries=origin_entries,
    answers=answers_path,
    responder=responder,
    library_checks=library_checks,
)
