"""Config classes picked from a table with `.get` (`from_object(table.get(stage, table["local"]))`,
`chosen = table.get(name)` then `if chosen is None: chosen = table["fallback"]`), and an
extension made only when Flask-CORS imports beside a second layer installed by a class's
`@staticmethod`. Checked against the real Flask and Flask-CORS (POST18-PY-A, set 18:
AbdoElzero/Smart-Price-Tracker, Abubakr-Alsheikh/promptcraft-dungeon,
EdwinKassier/dwml-backend-flask); corslint only reads the files."""

from __future__ import annotations

import ast
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from corslint.extractors.flask.config_sources import from_object
from corslint.extractors.python import PythonModule
from corslint.extractors.python.project import PythonProject
from tests.conftest import FIXTURES, policies_linted_inside, run_lint, sole_policy_inside

FLASK = FIXTURES / "flask"
ATTACKER = "https://attacker.invalid"


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] in {"pantry", "tutor", "depot"}]:
        del sys.modules[name]


def _rules(monkeypatch: pytest.MonkeyPatch, project: Path) -> list[str]:
    """The rule ids corslint reports, linted from inside the project (as its users run it:
    from outside, the `tests/` folder above would mark it development-only)."""
    monkeypatch.chdir(project)
    return sorted(f.rule_id for f in run_lint(Path(".")).findings)


def _app(monkeypatch: pytest.MonkeyPatch, project: str, package: str, factory: str) -> object:
    monkeypatch.syspath_prepend(str(FLASK / project))
    return getattr(importlib.import_module(package), factory)()


def test_table_get_loads_a_class_that_always_sets_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The read's "*" fallback never applies: every class the lookup can give sets the key."""
    monkeypatch.delenv("STOREFRONT_ORIGIN", raising=False)
    policy = sole_policy_inside(FLASK / "config_table_get_with_fallback", "flask_cors")
    assert policy.options["origins"].plain() == "http://localhost:4200"
    assert policy.options["origins"].env_var == "STOREFRONT_ORIGIN"
    for stage in ("local", "live", "staging"):  # staging: not in the table, the fallback
        monkeypatch.setenv("STAGE", stage)
        client = _app(monkeypatch, "config_table_get_with_fallback", "pantry", "build").test_client()  # type: ignore[attr-defined]
        for origin, allowed in (("http://localhost:4200", True), (ATTACKER, False)):
            answer = client.get("/shelf/items", headers={"Origin": origin})
            assert (answer.headers.get("Access-Control-Allow-Origin") == origin) is allowed
        for name in [n for n in sys.modules if n.partition(".")[0] == "pantry"]:
            del sys.modules[name]
    assert _rules(monkeypatch, FLASK / "config_table_get_with_fallback") == ["CORS106"]


def test_get_then_guarded_default_loads_the_selected_class(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CORS_ORIGINS", raising=False)
    policy = sole_policy_inside(FLASK / "config_get_then_guarded_default", "flask_cors")
    ours = [entry.raw for entry in policy.options["origins"].raw]
    app = _app(monkeypatch, "config_get_then_guarded_default", "tutor", "create_app")
    assert ours == app.config["CORS_ORIGINS"]  # type: ignore[attr-defined]
    client = app.test_client()  # type: ignore[attr-defined]
    for origin, allowed in (
        ("http://localhost:8080", True),
        ("https://lessons.example.org", True),
        (ATTACKER, False),
    ):
        answer = client.get("/lessons", headers={"Origin": origin})
        assert (answer.headers.get("Access-Control-Allow-Origin") == origin) is allowed
        if allowed:
            assert answer.headers.get("Access-Control-Allow-Credentials") == "true"
    assert _rules(monkeypatch, FLASK / "config_get_then_guarded_default") == ["CORS106"]


def test_optional_extension_and_static_helper_are_two_layers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CORS_ORIGINS", raising=False)
    monkeypatch.delenv("DEPOT_ENV", raising=False)
    project = FLASK / "optional_extension_beside_static_helper_layer"
    policies = policies_linted_inside(project, "flask_cors")
    assert sorted(str(p.options["origins"].plain()) for p in policies) == [
        "('https://dash.depot.example',)",
        "*",
    ]
    assert len({p.app for p in policies}) == 1  # both on the factory's app
    app = _app(monkeypatch, "optional_extension_beside_static_helper_layer", "depot", "create_app")
    assert len(app.after_request_funcs[None]) == 2  # type: ignore[attr-defined]
    client = app.test_client()  # type: ignore[attr-defined]
    for path in ("/health", "/stock/levels"):
        # the helper's allow-list refuses the attacker and writes nothing; the extension
        # (registered first, so it runs last) then reflects it: the allow-list is lost
        answer = client.get(path, headers={"Origin": ATTACKER})
        assert answer.headers.getlist("Access-Control-Allow-Origin") == [ATTACKER]
    assert _rules(monkeypatch, project) == ["CORS105", "CORS302"]


def _loaded(tmp_path: Path, source: str) -> object:
    (tmp_path / "requirements.txt").write_text("flask\n")
    path = tmp_path / "factory.py"
    path.write_text(source)
    module = PythonModule(str(path), source, PythonProject())
    call = next(
        n
        for n in ast.walk(module.tree)
        if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "from_object"
    )
    return from_object(module, call.args[0], module.location(call))


_TABLE = """
import os
class A:
    CORS_ORIGINS = ["https://a.example"]
    SHARED = "same"
class B:
    CORS_ORIGINS = ["https://b.example"]
    SHARED = "same"
table = {"a": A, "b": B}
"""


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ('table.get("a", B)', ("https://a.example",)),
        ('table.get("zzz", B)', ("https://b.example",)),  # a key the table lacks: the fallback
        ('table.get(os.environ["STAGE"], B)', None),  # the classes disagree: unknown
        ('table.get(os.environ["STAGE"])', None),
        ('table.get(os.environ["STAGE"]) or table["b"]', None),
    ],
)
def test_table_get_selection(tmp_path: Path, call: str, expected: tuple[str, ...] | None) -> None:
    loaded = _loaded(tmp_path, _TABLE + f"app.config.from_object({call})\n")
    assert loaded is not None
    value = loaded.get("CORS_ORIGINS")  # type: ignore[attr-defined]
    assert value is not None
    assert (value.plain() if value.known else None) == expected
    shared = loaded.get("SHARED")  # type: ignore[attr-defined]
    # every class agrees; only `.get` with no fallback may load nothing at all
    assert shared.known is (call != 'table.get(os.environ["STAGE"])')


def test_guard_other_than_unset_is_not_read_as_a_fallback(tmp_path: Path) -> None:
    source = _TABLE + (
        "def make(name):\n"
        "    chosen = table.get(name)\n"
        "    if chosen is A:\n"
        "        chosen = B\n"
        "    app.config.from_object(chosen)\n"
    )
    assert _loaded(tmp_path, source) is None


@pytest.mark.parametrize(
    ("source", "made"),
    [
        (
            "try:\n    from flask_cors import CORS\nexcept ImportError:\n    CORS = None\n"
            "if CORS:\n    cors = CORS()\nelse:\n    cors = None\n",
            True,
        ),
        ("if FLAG:\n    cors: object = CORS()\nelse:\n    cors = None\n", True),
        ("cors = CORS()\n", False),  # bound once: `find_binding` answers, not this
        ("if FLAG:\n    cors = CORS()\nelse:\n    cors = CORS(origins='https://a.example')\n", False),
        ("if FLAG:\n    cors = CORS()\nelse:\n    cors = None\nfor cors in []:\n    pass\n", False),
    ],
)
def test_optional_instance(tmp_path: Path, source: str, made: bool) -> None:
    from corslint.extractors.flask.optional_extension import optional_instance

    module = PythonModule(str(tmp_path / "extensions.py"), source, PythonProject())
    found = optional_instance(module, "cors")
    assert (found is not None) is made
    if found is not None:
        assert ast.unparse(found[1]) == "CORS()"


def test_table_built_in_the_factory(tmp_path: Path) -> None:
    source = (
        "class A:\n    CORS_ORIGINS = ['https://a.example']\n"
        "class B:\n    CORS_ORIGINS = ['https://b.example']\n"
        "def make(name='b'):\n"
        "    configs = {'a': A, 'b': B}\n"
        "    app.config.from_object(configs.get(name, A))\n"
    )
    loaded = _loaded(tmp_path, source)
    assert loaded is not None
    assert loaded.get("CORS_ORIGINS").plain() == ("https://b.example",)  # type: ignore[attr-defined]
    changed = source.replace("    app.config", "    configs['b'] = A\n    app.config")
    assert _loaded(tmp_path, changed) is None  # changed in place before the read: not followed
