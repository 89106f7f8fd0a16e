"""The roles of a Node CORS package's options: the packages agree on `origin`, `credentials`
and `maxAge`, and name the methods, request headers and exposed headers one of two ways
(`methods`/`allowedHeaders` as the `cors` package does, `allowMethods`/`allowHeaders` as
@koa/cors does)."""

from __future__ import annotations


def js_option_roles(*, methods: str, headers: str, expose: str) -> dict[str, tuple[str, ...]]:
    """Role -> the option that expresses it, for a package with the given three names."""
    return {
        "origins": ("origin",),
        "credentials": ("credentials",),
        "methods": (methods,),
        "headers": (headers,),
        "expose": (expose,),
        "max_age": ("maxAge",),
    }
