"""Quart's hand-written CORS layers: `after_request` hooks (and `before_request` answers),
read as Flask's are: Quart 0.22 keeps Flask's hook order, answers an OPTIONS no route takes
with its automatic 200 + `Allow` (hooks included), and Werkzeug's `Headers`. A hook is
registered whenever its decorator runs, also inside a `before_serving` function
(Cyoda-platform/mcp-cyoda-quart-app application/app.py): before the first request.
Measured in tests/test_python_headers.py (small apps run on the real Quart)."""

from __future__ import annotations

from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.flask_units import hook_units
from corslint.extractors.python_headers.unit import Unit, import_roots

QUART_FRAMEWORK = "quart_headers"


def quart_hook_units(module: PythonModule, kinds: list[str]) -> list[Unit]:
    """The Quart app's hook layers: units of kind `flask` whose policies are named for Quart."""
    roots = import_roots(module)
    if kinds or "quart" not in roots:
        return []
    units = hook_units(module)
    if "quart_cors" in roots:
        for unit in units:
            unit.options_status = "unknown"  # Quart-CORS answers the preflights it sees
    return units
