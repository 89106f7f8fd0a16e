"""What the browser decides, after the Fetch Standard (fetch.spec.whatwg.org).

Anchors named in comments are the standard's. Each decision returns the reason a
developer would need to read, in the words a browser console uses where possible.
"""

from __future__ import annotations

import functools
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from corslint.http import Request, Response

DEFAULT_PORTS = {"http": 80, "https": 443}
# #cors-safelisted-method
SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})
# #concept-method-normalize
_NORMALIZED_METHODS = {"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"}
# #cors-safelisted-request-header (Range is safelisted only as a single simple range)
SAFELISTED_HEADER_NAMES = frozenset(
    {"accept", "accept-language", "content-language", "content-type", "range"}
)
# #cors-non-wildcard-request-header-name
NON_WILDCARD_HEADER_NAMES = frozenset({"authorization"})
_SAFELISTED_CONTENT_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)
_UNSAFE_BYTES = set(range(0x00, 0x09)) | set(range(0x0A, 0x20)) | set(b'"():<>?@[\\]{}\x7f')
_LANGUAGE_VALUE = re.compile(r"[0-9A-Za-z *,\-.;=]*")
_SIMPLE_RANGE = re.compile(r"bytes=\d+-\d*")
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def is_method_token(method: str) -> bool:
    """#concept-method: a method is a token."""
    return _TOKEN.fullmatch(method) is not None


def normalize_method(method: str) -> str:
    upper = method.upper()
    return upper if upper in _NORMALIZED_METHODS else method


@functools.lru_cache(maxsize=1024)  # each rule asks again for the same configured entries
def canonical_origin(text: str) -> str | None:
    """What a browser would send as Origin for the site an entry names, or None.

    `https://App.Example.com:443/` -> `https://app.example.com`; a glob's `*` becomes `app`;
    a missing scheme is taken as https. `*` alone and `null` have no canonical form.
    """
    text = text.strip()
    if not text or text in {"*", "null"}:
        return None
    if "://" not in text:
        text = "https://" + text.lstrip("/")
    text = text.replace("*", "app")
    try:
        parts = urllib.parse.urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    # `_` is no forbidden host code point (URL Standard): `http://front_end.example.com`
    # is a host browsers load and send as Origin
    if scheme not in {"http", "https"} or not host or not re.fullmatch(r"[a-z0-9_.\-\[\]:]+", host):
        return None
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        return f"{scheme}://{host}:{port}"
    return f"{scheme}://{host}"


def is_safelisted_header(name: str, value: str) -> bool:
    """#cors-safelisted-request-header."""
    name = name.lower()
    if name not in SAFELISTED_HEADER_NAMES or len(value.encode()) > 128:
        return False
    if name == "accept":
        return not any(b in _UNSAFE_BYTES for b in value.encode())
    if name in {"accept-language", "content-language"}:
        return _LANGUAGE_VALUE.fullmatch(value) is not None
    if name == "content-type":
        if any(b in _UNSAFE_BYTES for b in value.encode()):
            return False
        essence = value.split(";", 1)[0].strip().lower()
        return essence in _SAFELISTED_CONTENT_TYPES
    return _SIMPLE_RANGE.fullmatch(value) is not None  # range


def unsafe_header_names(headers: Mapping[str, str]) -> list[str]:
    """#cors-unsafe-request-header-names: sorted, lower-cased, without duplicates."""
    names: set[str] = set()
    total = 0
    for name, value in headers.items():
        if is_safelisted_header(name, value):
            total += len(value.encode())
        else:
            names.add(name.lower())
    if total > 1024:
        names |= {n.lower() for n in headers if n.lower() in SAFELISTED_HEADER_NAMES}
    return sorted(names)


@functools.lru_cache(maxsize=256)
def _unsafe_names(headers: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """`unsafe_header_names` of a page request's headers: probes send the same few sets
    again and again, and each request asks up to three times."""
    return tuple(unsafe_header_names(dict(headers))) if headers else ()


def _preflighted(method: str, unsafe: tuple[str, ...]) -> bool:
    """#main-fetch, for a normalised method and the request's CORS-unsafe header names."""
    return method not in SAFELISTED_METHODS or bool(unsafe)


_set = object.__setattr__  # for the frozen dataclasses below that fill their own fields


@dataclass(frozen=True)
class PageRequest:
    """What a page's script asks `fetch()` for, cross-origin, in CORS mode."""

    origin: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    credentials: bool = False
    path: str = "/"

    def __init__(
        self,
        origin: str,
        method: str = "GET",
        headers: tuple[tuple[str, str], ...] = (),
        credentials: bool = False,
        path: str = "/",
    ) -> None:
        # made by the thousand: the generated frozen __init__ looks object.__setattr__ up
        # again for every field; this one (_set) does not
        _set(self, "origin", origin)
        _set(self, "method", method)
        _set(self, "headers", headers)
        _set(self, "credentials", credentials)
        _set(self, "path", path)

    @property
    def needs_preflight(self) -> bool:
        """#main-fetch: a non-safelisted method or any CORS-unsafe header."""
        return _preflighted(normalize_method(self.method), _unsafe_names(self.headers))

    def preflight(self) -> Request:
        """#cors-preflight-fetch-0: the OPTIONS request; it never carries credentials."""
        return self._preflight(normalize_method(self.method), _unsafe_names(self.headers))

    def _preflight(self, method: str, unsafe: tuple[str, ...]) -> Request:
        headers = [("access-control-request-method", method)]
        if unsafe:
            headers.append(("access-control-request-headers", ",".join(unsafe)))
        return Request("OPTIONS", self.origin, tuple(headers), self.path, credentials=False)

    def actual(self) -> Request:
        return self._actual(normalize_method(self.method))

    def _actual(self, method: str) -> Request:
        return Request(
            method,
            self.origin,
            tuple([(n.lower(), v) for n, v in self.headers]) if self.headers else (),
            self.path,
            self.credentials,
        )


@dataclass(frozen=True)
class Check:
    """The outcome of one of the Fetch Standard's checks, with the console's reason."""

    ok: bool
    reason: str


def cors_check(request: PageRequest, response: Response) -> Check:
    """#cors-check: may the page read this response?"""
    return Check(*_cors_check(request, response))


# The checks as (ok, reason): fetch runs thousands and needs no Check object for them.
def _cors_check(request: PageRequest, response: Response) -> tuple[bool, str]:
    values = response.get_all("access-control-allow-origin")
    if not values:
        return (False, "No 'Access-Control-Allow-Origin' header is present")
    allow_origin = ", ".join(values)  # as response.get gives it
    if len(values) > 1:
        return (
            False,
            f"'Access-Control-Allow-Origin' contains multiple values '{allow_origin}', "
            "but only one is allowed",
        )
    if allow_origin == "*" and not request.credentials:
        return (True, "'Access-Control-Allow-Origin: *' admits any uncredentialed request")
    if allow_origin == "*":
        return (
            False,
            "'Access-Control-Allow-Origin' must not be the wildcard '*' when the request's "
            "credentials mode is 'include'",
        )
    if allow_origin != request.origin:
        return (
            False,
            f"'Access-Control-Allow-Origin' has the value '{allow_origin}', "
            f"which is not equal to the supplied origin '{request.origin}'",
        )
    if not request.credentials:
        return (True, f"'Access-Control-Allow-Origin' equals the origin '{request.origin}'")
    allow_credentials = response.get("access-control-allow-credentials")
    if allow_credentials != "true":
        shown = "''" if allow_credentials is None else f"'{allow_credentials}'"
        return (
            False,
            f"'Access-Control-Allow-Credentials' is {shown}, which must be 'true' when the "
            "request's credentials mode is 'include'",
        )
    return (
        True,
        f"'Access-Control-Allow-Origin' equals the origin '{request.origin}' and "
        "'Access-Control-Allow-Credentials' is 'true'",
    )


def _parse_list(value: str | None) -> list[str] | None:
    """#extract-header-list-values for ACAM/ACAH; None when it fails to parse."""
    if value is None:
        return []
    items = [item.strip() for item in value.split(",")]
    items = [item for item in items if item]
    if not all(_TOKEN.fullmatch(item) for item in items):
        return None
    return items


def preflight_check(request: PageRequest, response: Response) -> Check:
    """The steps of #cors-preflight-fetch-0 after the response arrives."""
    return Check(*_preflight_check(request, response))


def _preflight_check(request: PageRequest, response: Response) -> tuple[bool, str]:
    if response.status is None or not 200 <= response.status <= 299:
        status = "no" if response.status is None else str(response.status)
        return (
            False,
            f"Response to preflight request doesn't pass access control check: it does not have HTTP ok status ({status})",
        )
    origin_ok, origin_reason = _cors_check(request, response)
    if not origin_ok:
        return (False, f"Response to preflight request doesn't pass access control check: {origin_reason}")
    methods = _parse_list(response.get("access-control-allow-methods"))
    header_names = _parse_list(response.get("access-control-allow-headers"))
    if methods is None or header_names is None:
        return (False, "Access-Control-Allow-Methods or -Headers in preflight response cannot be parsed")
    method = normalize_method(request.method)
    wildcard_methods = "*" in methods and not request.credentials
    if method not in methods and method not in SAFELISTED_METHODS and not wildcard_methods:
        return (
            False,
            f"Method {method} is not allowed by Access-Control-Allow-Methods in preflight response",
        )
    allowed = {name.lower() for name in header_names}
    wildcard_headers = "*" in allowed and not request.credentials
    for name in _unsafe_names(request.headers):
        if name in NON_WILDCARD_HEADER_NAMES and name not in allowed:
            return (
                False,
                f"Request header field {name} is not allowed by Access-Control-Allow-Headers "
                "in preflight response (a '*' never covers Authorization)",
            )
        if name not in allowed and not wildcard_headers:
            return (
                False,
                f"Request header field {name} is not allowed by Access-Control-Allow-Headers in preflight response",
            )
    return (True, "preflight passed")


@dataclass(frozen=True)
class Verdict:
    """The whole exchange for one page request."""

    request: PageRequest
    preflight: Response | None
    response: Response | None  # None when the preflight failed and nothing was sent
    allowed: bool
    reason: str

    def __init__(
        self,
        request: PageRequest,
        preflight: Response | None,
        response: Response | None,
        allowed: bool,
        reason: str,
    ) -> None:
        # made by the thousand too: fields set as in PageRequest
        _set(self, "request", request)
        _set(self, "preflight", preflight)
        _set(self, "response", response)
        _set(self, "allowed", allowed)
        _set(self, "reason", reason)


Responder = Callable[[Request], Response]


def fetch(respond: Responder, request: PageRequest) -> Verdict:
    """Send `request` through a server modelled by `respond`, as a browser would."""
    preflight: Response | None = None
    method = normalize_method(request.method)
    unsafe = _unsafe_names(request.headers)
    if _preflighted(method, unsafe):
        preflight = respond(request._preflight(method, unsafe))
        ok, reason = _preflight_check(request, preflight)
        if not ok:
            return Verdict(request, preflight, None, False, reason)
    response = respond(request._actual(method))
    ok, reason = _cors_check(request, response)
    return Verdict(request, preflight, response, ok, reason)
