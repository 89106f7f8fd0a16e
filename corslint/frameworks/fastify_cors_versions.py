"""What differs between @fastify/cors majors (measured on 8.5.0, 9.0.1, 10.1.0 and 11.4.3
with the probe battery; docs/semantics/fastify-cors-versions.md).

Only two things differ in what the package sends:
- the default ``methods``: ``GET,HEAD,PUT,PATCH,POST,DELETE`` up to 10.x, ``GET,HEAD,POST``
  from 11.0;
- ``Vary: Origin``: 8.x adds it to every answer, 9.0 onwards only when the origin option is
  not a string (or ``false``) or a delegator chooses the options.

The package's earlier name, ``fastify-cors`` (6.x, for fastify 3), is the code republished as
@fastify/cors 7.0.0; a policy of it is recorded as major 7. Measured on fastify-cors 6.1.0
(fastify-cors-deprecated 6.0.3) on fastify 3.29.5, it differs from 8.x in three more ways: a
``"*"`` inside an origin array is a literal entry (8.x normalises the array to ``*``), and
``cacheControl`` and ``hook`` are not read. fastify-cors 3.x (fastify 2) is its own model
(`fastify_cors3`), recorded as major 3.

The extractor records the installed major under `VERSION_OPTION` when the project's lock
file or package.json tells it. A policy without it is judged only where every major
agrees: a preflight for a method other than GET, HEAD and POST, under the default
`methods`, then depends on the version.
"""

from __future__ import annotations

from dataclasses import dataclass

from corslint.frameworks.package_majors import VERSION_OPTION, recorded_major, version_value
from corslint.model import CorsPolicy, Provenance, Value

__all__ = ["VERSION_OPTION", "Release", "release_of", "unknown_default_methods", "version_value"]
ALL_METHODS = "GET,HEAD,PUT,PATCH,POST,DELETE"
SAFE_METHODS = "GET,HEAD,POST"
FIRST_SAFE_DEFAULT = 11  # the first major whose default methods are GET,HEAD,POST
FIRST_STRING_VARY = 9  # the first major that leaves Vary: Origin off for a string origin
FIRST_SCOPED = 8  # the first major that normalises ["*", ...] and reads cacheControl
LEGACY_PACKAGE = "fastify-cors"
# fastify-cors 3.x (fastify 2) has a code path of its own (`frameworks.fastify_cors3`), recorded
# as major 3: its defaults are those `Release` gives a major before 8
FASTIFY2_MAJOR = 3
# fastify-cors majors modelled, as the @fastify/cors major that republished their code;
# 4.0.0 and 4.1.0 (fastify 3) are 3.0.3's index.js with only the plugin's `fastify` range
# changed ('>=2.x' -> '3.x'), so they are recorded as 3 (Tschuck/battletris, set 22)
LEGACY_MAJORS = {6: 7, 4: FASTIFY2_MAJOR, FASTIFY2_MAJOR: FASTIFY2_MAJOR}


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

    @property
    def star_in_list_is_star(self) -> bool:
        """Whether `["*", ...]` sends `*` (normalised at registration) rather than holding a
        literal entry no Origin equals."""
        return self.major is None or self.major >= FIRST_SCOPED

    @property
    def reads_cache_control(self) -> bool:
        return self.major is None or self.major >= FIRST_SCOPED


def release_of(policy: CorsPolicy) -> Release:
    return Release(recorded_major(policy))


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
