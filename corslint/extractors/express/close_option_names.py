"""The near-miss spellings of CORS options that people write for Node CORS packages, mapped
to the name a given package reads: the same slips (``allowedOrigins``, ``credential``,
``exposedHeaders`` for ``exposeHeaders``, ...) turn up whichever package is configured."""

from __future__ import annotations

# each role's spellings, in the order the suggestions are listed; a package reads one of them
_ORIGIN = ("origin", "origins", "allowedOrigins", "allowOrigin")
_CREDENTIALS = ("credentials", "credential", "allowCredentials")
_METHODS = ("methods", "allowMethods", "allowedMethods")
_HEADERS = ("allowHeaders", "allowedHeaders", "headers")
_EXPOSE = ("exposeHeaders", "exposedHeaders")
_MAX_AGE = ("maxAge", "maxage", "max_age")


def close_option_names(*, methods: str, headers: str, expose: str) -> dict[str, str]:
    """Each near-miss spelling -> the option meant, for a package whose options are `origin`,
    `credentials`, `maxAge` and the given names for the methods, headers and exposed
    headers."""
    close: dict[str, str] = {}
    for spellings, meant in (
        (_ORIGIN, "origin"),
        (_CREDENTIALS, "credentials"),
        (_METHODS, methods),
        (_HEADERS, headers),
        (_EXPOSE, expose),
        (_MAX_AGE, "maxAge"),
    ):
        close.update({spelling: meant for spelling in spellings if spelling != meant})
    return close
