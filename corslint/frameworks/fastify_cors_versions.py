"""What differs between @fastify/cors majors (measured on 8.5.0, 9.0.1, 10.1.0 and 11.4.3
with the probe battery; docs/semantics/fastify-cors-versions.md).

Only two things differ in what the package sends:
- the default ``methods``: ``GET,HEAD,PUT,PATCH,POST,DELETE`` up to 10.x, ``GET,HEAD,POST``
  from 11.0;
- ``Vary: Origin``: 8.x adds it to every answer, 9.0 onwards only when the origin option is
  not a string (or ``false``) or a delegator chooses the options.

The extractor records the installed major under `VERSION_OPTION` when the project's lock
file or package.json tells it. A policy without it is judged only where every major
agrees: a preflight for a method other than GET, HEAD and POST, under the default
`methods`, then depends on the version.
"""

from __future__ import annotations

from dataclasses import dataclass

from corslint.model import CorsPolicy, Location, Provenance, Value

VERSION_OPTION = "$version"  # not a package option: the installed major
ALL_METHODS = "GET,HEAD,PUT,PATCH,POST,DELETE"
SAFE_METHODS = "GET,HEAD,POST"
FIRST_SAFE_DEFAULT = 11  # the first major whose default methods are GET,HEAD,POST
FIRST_STRING_VARY = 9  # the first major that leaves Vary: Origin off for a string origin


@dataclass(frozen=True)
class Release:
    """How one major (or an unknown one: `major` None) differs from the newest."""

    major: int | None

    @property
    def known(self) -> bool:
        return self.major is not None

    @property
    def default_methods(self) -> str | None:
        """The default Allow-Methods; None when it depends on the unknown major."""
        if self.major is None:
            return None
        return SAFE_METHODS if self.major >= FIRST_SAFE_DEFAULT else ALL_METHODS

    @property
    def always_vary(self) -> bool:
        return self.major is not None and self.major < FIRST_STRING_VARY


def release_of(policy: CorsPolicy) -> Release:
    value = policy.options.get(VERSION_OPTION)
    major = value.raw if value is not None else None
    return Release(major if isinstance(major, int) and not isinstance(major, bool) else None)


def version_value(major: int | None, location: Location, source: str) -> Value:
    """The `VERSION_OPTION` value an extractor records; `source` says where it was read."""
    return Value(major, location, Provenance.LITERAL, description=source)


def unknown_default_methods(policy: CorsPolicy) -> Value:
    """What an answer depends on when the major is unknown and `methods` is not set."""
    return Value(
        None,
        policy.location,
        Provenance.UNKNOWN,
        description=(
            "the installed @fastify/cors version: its default `methods` is GET,HEAD,POST from "
            "11.0 and GET,HEAD,PUT,PATCH,POST,DELETE before"
        ),
    )
