"""Django REST framework authentication classes that read the Authorization request
header (`Token ...`, `Bearer ...`): an API configured with one takes tokens from
cross-origin callers, so their preflights must allow that header (CORS204)."""

from __future__ import annotations

from corslint.model import Value

TOKEN_AUTHENTICATION = (
    "JWTAuthentication",
    "JWTStatelessUserAuthentication",
    "JSONWebTokenAuthentication",
    "TokenAuthentication",
    "OAuth2Authentication",
    "BearerAuthentication",
)


def token_classes(rest_framework: Value | None) -> list[Value]:
    """The entries of `REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]` that name a token
    scheme; none when the setting cannot be read."""
    if rest_framework is None or not rest_framework.known or not isinstance(rest_framework.raw, dict):
        return []
    classes = rest_framework.raw.get("DEFAULT_AUTHENTICATION_CLASSES")
    if not isinstance(classes, Value) or not classes.known:
        return []
    return [
        entry
        for entry in classes.entries
        if entry.known and isinstance(entry.raw, str) and entry.raw.rsplit(".", 1)[-1] in TOKEN_AUTHENTICATION
    ]
