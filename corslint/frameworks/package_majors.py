"""The installed major of an npm CORS package, recorded on a policy by its extractor when the
project's lock file or package.json tells it (`extractors.js.package_versions`), for models
whose answers changed between majors (@fastify/cors, @koa/cors)."""

from __future__ import annotations

from corslint.model import CorsPolicy, Location, Provenance, Value

VERSION_OPTION = "$version"  # not a package option: the installed major


def version_value(major: int | None, location: Location, source: str) -> Value:
    """The `VERSION_OPTION` value an extractor records; `source` says where it was read."""
    return Value(major, location, Provenance.LITERAL, description=source)


def recorded_major(policy: CorsPolicy) -> int | None:
    """The major recorded on `policy`; None when the project does not tell it."""
    value = policy.options.get(VERSION_OPTION)
    major = value.raw if value is not None else None
    return major if isinstance(major, int) and not isinstance(major, bool) else None
