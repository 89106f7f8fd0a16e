"""Header-name constants that CORS libraries export and projects import to write the
headers by hand (readthedocs/readthedocs.org readthedocs/proxito/middleware.py:13-14,
`response.headers[ACCESS_CONTROL_ALLOW_ORIGIN] = "*"`): the strings the installed
libraries define. django-cors-headers 4.9.0 spells them in lower case (3.x in title
case: header names are case-insensitive either way); Flask-CORS 6.0.1 names them `ACL_*`."""

from __future__ import annotations

_CORSHEADERS = {
    "ACCESS_CONTROL_ALLOW_ORIGIN": "access-control-allow-origin",
    "ACCESS_CONTROL_EXPOSE_HEADERS": "access-control-expose-headers",
    "ACCESS_CONTROL_ALLOW_CREDENTIALS": "access-control-allow-credentials",
    "ACCESS_CONTROL_ALLOW_HEADERS": "access-control-allow-headers",
    "ACCESS_CONTROL_ALLOW_METHODS": "access-control-allow-methods",
    "ACCESS_CONTROL_MAX_AGE": "access-control-max-age",
    "ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK": "access-control-request-private-network",
    "ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK": "access-control-allow-private-network",
}
_FLASK_CORS = {
    "ACL_ORIGIN": "Access-Control-Allow-Origin",
    "ACL_METHODS": "Access-Control-Allow-Methods",
    "ACL_ALLOW_HEADERS": "Access-Control-Allow-Headers",
    "ACL_EXPOSE_HEADERS": "Access-Control-Expose-Headers",
    "ACL_CREDENTIALS": "Access-Control-Allow-Credentials",
    "ACL_MAX_AGE": "Access-Control-Max-Age",
    "ACL_RESPONSE_PRIVATE_NETWORK": "Access-Control-Allow-Private-Network",
    "ACL_REQUEST_METHOD": "Access-Control-Request-Method",
    "ACL_REQUEST_HEADERS": "Access-Control-Request-Headers",
}
# aiohttp 3.14 `aiohttp.hdrs` (multidict `istr`s, in title case; bogonets/answer
# core/recc/http/v2/router_v2_plugins.py imports them for a hand-written preflight)
_AIOHTTP = {
    "ACCESS_CONTROL_ALLOW_CREDENTIALS": "Access-Control-Allow-Credentials",
    "ACCESS_CONTROL_ALLOW_HEADERS": "Access-Control-Allow-Headers",
    "ACCESS_CONTROL_ALLOW_METHODS": "Access-Control-Allow-Methods",
    "ACCESS_CONTROL_ALLOW_ORIGIN": "Access-Control-Allow-Origin",
    "ACCESS_CONTROL_EXPOSE_HEADERS": "Access-Control-Expose-Headers",
    "ACCESS_CONTROL_MAX_AGE": "Access-Control-Max-Age",
}
LIBRARY_HEADER_NAMES: dict[str, str] = {
    **{f"corsheaders.middleware.{name}": text for name, text in _CORSHEADERS.items()},
    **{f"flask_cors.core.{name}": text for name, text in _FLASK_CORS.items()},
    **{f"aiohttp.hdrs.{name}": text for name, text in _AIOHTTP.items()},
}
# what a module must mention for one of them to be imported (a prefilter's needles)
LIBRARY_HEADER_NEEDLES = ("ACCESS_CONTROL_ALLOW_", "ACCESS_CONTROL_MAX_AGE", "ACL_ORIGIN", "ACL_CREDENTIALS")


def library_header_name(qualified: str) -> str | None:
    """The header a library constant names, by its qualified import."""
    return LIBRARY_HEADER_NAMES.get(qualified)
