"""Origin options read from the environment whose default admits no origin at all.

`allow_origins = os.getenv("SITE_ORIGINS").split(",") if os.getenv("SITE_ORIGINS") else []`
(SWEEP13 M1, bani2016up/sae_single_repo app/core/config/api.py:4), `os.getenv("X",
"").split(",")`, a settings field `ALLOWED_ORIGINS: str = ""` split by a validator
(forestryTLS/curriculum-development-tool): unset, the variable leaves the list empty and no
cross-origin request is answered; set (where the app is deployed), the origins are whatever
the environment holds, which corslint cannot read. RULES.md: an unknown value never
silences the rules about the other options, so such an option is judged as unknown: CORS305
names it, and the functional rules (max-age, methods, headers) judge what an allowed origin
meets, as for `os.environ["SITE_ORIGINS"]`. A default that admits someone is judged as it is
("when SITE_ORIGINS is unset")."""

from __future__ import annotations

from typing import Protocol

from corslint.frameworks import Framework
from corslint.model import CorsPolicy, Value
from corslint.rules.settled_options import is_unresolved


class PolicyProbe(Protocol):
    """What is asked of rules.probe.PolicyProbe here (which calls this module)."""

    policy: CorsPolicy
    framework: Framework

    @property
    def allowed_origin(self) -> str | None: ...

    def allows(self, origin: str, *, credentials: bool = False, path: str = "/") -> bool: ...


def unset_admits_none(probe: PolicyProbe) -> tuple[str, ...]:
    """The origin options of a library policy read from the environment, where with every
    variable unset the policy admits no origin (no sample origin, not an attacker's)."""
    if probe.framework.handwritten or "**" in probe.policy.options:
        return ()
    names = tuple(
        name
        for name in probe.framework.roles.get("origins", ())
        if (value := probe.policy.options.get(name)) is not None and _empty_env_default(value)
    )
    if not names or any(
        name not in names and not _empty(value)
        for name in probe.framework.roles.get("origins", ())
        if (value := probe.policy.options.get(name)) is not None
    ):
        return ()  # another origin option admits someone (a regex, `allow_all`), or is unknown
    if probe.allowed_origin is not None or probe.allows("null", path=probe.policy.probe_path):
        return ()  # django-cors-headers' `[""]` admits `Origin: null`: judged as it is
    return names


def _empty(value: Value) -> bool:
    return value.known and (value.raw is None or value.raw is False or value.raw in ("", ()))


def _empty_env_default(value: Value) -> bool:
    """A known value taken from an environment default that lists no origin: `[]`, `""`,
    `[""]` (a split of the empty string)."""
    if not value.known or not value.env_vars or is_unresolved(value):
        return False
    if any("." in name for name in value.env_vars):
        # `getattr(configuration, "X", [])`: a module the deployment supplies, not the environment
        return False
    raw = value.raw
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, (tuple, list)):
        return all(
            isinstance(item, Value) and isinstance(item.raw, str) and not item.raw.strip() for item in raw
        )
    return False


def unset_note(name: str, value: Value) -> str:
    """What CORS305 says of such an option, after the framework's name."""
    variables = " and ".join(f"`{v}`" for v in value.env_vars)
    several = len(value.env_vars) > 1
    noun, verb = ("the environment variables", "are") if several else ("the environment variable", "is")
    return (
        f"`{name}` admits no origin while {noun} {variables} {verb} unset; the origins it holds when "
        f"{'they are' if several else 'it is'} set could not be determined statically, so corslint did not check them"
    )
