"""Flask-CORS policies (and the Sanic-CORS port's, which takes the same options) as the real
extension is given them: their options, and the fixtures' policies by test id."""

from __future__ import annotations

from typing import Any

from corslint.frameworks.flask_cors import compiled
from corslint.model import CorsPolicy, Regex, UnresolvedValueError
from tests.conftest import fixture_projects, run_lint


def _real(raw: Any) -> Any:
    if isinstance(raw, Regex):
        return compiled(raw)
    if isinstance(raw, tuple):
        return [_real(item) for item in raw]
    if isinstance(raw, dict):
        return {key: _real(item) for key, item in raw.items()}
    return raw


def known_options(policy: CorsPolicy) -> dict[str, Any] | None:
    """The options as the real library takes them, or None where any (or any list entry)
    is unknown."""
    if "**" in policy.options:
        return None
    try:
        return {name: _real(value.plain()) for name, value in policy.options.items()}
    except UnresolvedValueError:
        return None


def fixture_policies_in(folder: str, framework: str, prefix: str = "") -> list[tuple[str, CorsPolicy]]:
    """The `framework` policies of the projects under tests/fixtures/`folder`, named
    `prefix` + `project:line:scope`."""
    return [
        (f"{prefix}{project.name}:{policy.location.line}:{policy.scope or 'all'}", policy)
        for project in fixture_projects(folder)
        for policy in run_lint(project).policies
        if policy.framework == framework
    ]
