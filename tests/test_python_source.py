"""Static value resolution in Python source: what is certain, and what stays unknown."""

from __future__ import annotations

import ast
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

from corslint.extractors.python import PythonModule, PythonProject
from corslint.model import Provenance, Regex, Value


def resolve_last(source: str, path: str = "mod.py") -> Value:
    module = PythonModule(path, source, PythonProject())
    statement = module.tree.body[-1]
    assert isinstance(statement, ast.Expr)
    return module.resolve(statement.value)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('"a" "b"', "ab"),
        ("[1, -2, 3.5]", (1, -2, 3.5)),
        ('X = ["a"]\nX + ["b"]', ("a", "b")),
        ('"x,y".split(",")', ("x", "y")),
        ('A = "https://a.example"\nf"{A}/"', "https://a.example/"),
        ('[o.rstrip("/") for o in ["https://a/", "https://b"]]', ("https://a", "https://b")),
        ('B = ["a"]\n[*B, "c"]', ("a", "c")),
        ('{"k": [True, None]}', {"k": (True, None)}),
        ("24 * 60 * 60", 86400),
        ('str("a")', "a"),
        ('"|".join("({})".format(r) for r in ["^/a/", "^/b$"])', "(^/a/)|(^/b$)"),
        ('P = ["x", "y"]\n"({})".format("|".join(P))', "(x|y)"),
    ],
)
def test_certain_values(source: str, expected: Any) -> None:
    value = resolve_last(source)
    assert value.known and value.plain() == expected


def test_environment_default_is_judged_and_named() -> None:
    value = resolve_last('import os\nos.getenv("ORIGINS", "*").split(",")')
    assert value.plain() == ("*",)
    assert value.provenance is Provenance.ENV_DEFAULT and value.condition == "when ORIGINS is unset"
    value = resolve_last('import os\nos.environ.get("AGE", "600")')
    assert value.plain() == "600" and value.env_var == "AGE"
    value = resolve_last('import os\nos.environ.get("X") or "https://a.example"')
    assert value.plain() == "https://a.example" and value.condition == "when X is unset"
    value = resolve_last(
        'import os\n[os.getenv("A", "https://a.example"), os.getenv("B", "https://b.example")]'
    )
    assert value.condition == "when A and B are unset"


@pytest.mark.parametrize(
    "source",
    [
        'import os\nos.environ["ORIGINS"]',
        'import os\nos.getenv("ORIGINS")',
        "load_origins()",
        "X = 1\nX = 2\ndef f():\n    return X\nf()",  # bound twice: a function may run after either
        "import random\nrandom.choice(['a'])",
        'if DEBUG:\n    Y = ["a"]\nelse:\n    Y = ["b"]\nY',
        '"|".join(["a", load_pattern()])',
        '",".join([1, 2])',
    ],
)
def test_uncertain_values_are_unknown(source: str) -> None:
    value = resolve_last(source)
    assert not value.known
    assert value.description


def test_re_compile_keeps_flags() -> None:
    value = resolve_last('import re\nre.compile(r"https://.*\\.example\\.com", re.IGNORECASE)')
    assert value.plain() == Regex(r"https://.*\.example\.com", "i")


def test_settings_class_default_across_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "config.py").write_text(
        "from pydantic_settings import BaseSettings\nfrom pydantic import Field\n\n"
        "class Base(BaseSettings):\n    ORIGINS: list[str] = Field(default=['https://a.example'])\n\n"
        "class Settings(Base):\n    DEBUG: bool = False\n\nsettings = Settings()\n"
    )
    value = resolve_last("from app.config import settings\nsettings.ORIGINS", path="app/main.py")
    assert value.plain() == ("https://a.example",)
    assert value.provenance is Provenance.SETTINGS_DEFAULT
    assert value.condition == "when ORIGINS is unset"
    assert any(location.path == "app/config.py" for location in value.related)


def test_constant_imported_from_a_sibling_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "constants.py").write_text('ORIGINS = ("https://a.example",)\n')
    value = resolve_last("from constants import ORIGINS\nORIGINS", path="main.py")
    assert value.plain() == ("https://a.example",) and value.provenance is Provenance.CONSTANT


def test_deep_nesting_is_cut_off_as_unknown() -> None:
    value = resolve_last("X = " + "[" * 60 + "]" * 60 + "\nX")
    assert value.known
    assert not all(item.known for item in value.walk())  # past MAX_DEPTH it stops resolving


@pytest.mark.parametrize(
    "text",
    [
        "https://app.example.com",
        "https://App.Example.COM",
        "http://localhost:5173",
        "https://a.example:443",
        "http://a.example:8080/path",
        "https://a.example/",
        "HTTPS://a.example",
    ],
)
def test_pydantic_url_normalisation_matches_pydantic(text: str) -> None:
    from pydantic import AnyHttpUrl, TypeAdapter

    from corslint.extractors.python.pydantic_fields import _pydantic_url

    assert _pydantic_url(text) == str(TypeAdapter(AnyHttpUrl).validate_python(text))


def test_locations_count_characters_not_utf8_bytes() -> None:
    # ast reports byte offsets; "é" and "✓" are 2 and 3 bytes long
    source = 'NAME = "café ✓"; ORIGINS = ["https://a.example"]\nORIGINS\n'
    value = resolve_last(source)
    (entry,) = value.raw
    start = source.index("[")
    assert (value.location.line, value.location.column) == (2, 1)
    assert value.related[0].line == 1 and value.related[0].column == source.index("ORIGINS =") + 1
    assert (entry.location.column, entry.location.end_column) == (
        start + 2,
        start + 2 + len('"https://a.example"'),
    )
    module = PythonModule("mod.py", source, PythonProject())
    assignment = module.tree.body[1]
    assert isinstance(assignment, ast.Assign)
    assert module.source(assignment.value) == '["https://a.example"]'


def test_parse_warnings_are_not_printed(recwarn: pytest.WarningsRecorder) -> None:
    warnings.simplefilter("always")
    PythonModule("mod.py", 'PATTERN = "\\d+"  # an invalid escape: a warning when compiled\n')
    assert not recwarn.list  # DeprecationWarning on 3.11, SyntaxWarning from 3.12


def test_syntax_errors_name_the_line_and_the_parser_limit() -> None:
    from corslint.extractors.python import PythonParseError

    with pytest.raises(PythonParseError) as broken:
        PythonModule("mod.py", "x = 1\nif True\n")
    assert broken.value.line == 2 and "line 2" in broken.value.message
    assert broken.value.message.startswith(f"invalid Python syntax (as Python {sys.version_info.major}.")
    with pytest.raises(PythonParseError) as deep:
        PythonModule("mod.py", "x = " + "(" * 1000 + ")" * 1000 + "\n")
    assert "too many nested parentheses" in deep.value.message


@pytest.mark.parametrize(
    "block",
    [
        "for _ in range(2):\n    ORIGINS = ['*']\n",
        "while False:\n    ORIGINS = ['*']\n",
        "match 1:\n    case 2:\n        ORIGINS = ['*']\n",
    ],
    ids=["for", "while", "match"],
)
def test_a_module_constant_rebound_in_a_loop_or_a_case_is_unknown(block: str) -> None:
    """A loop may not run, a case may not match: the name has two candidate values."""
    value = resolve_last("ORIGINS = ['https://a.example.com']\n" + block + "ORIGINS\n")
    assert not value.known


def test_what_a_with_block_binds_is_known() -> None:
    """A `with` body runs (once), so a name bound once there is a constant; the name its
    `as` clause binds is whatever the manager returns."""
    source = (
        "import contextlib\n"
        "with contextlib.suppress(ImportError):\n"
        "    ORIGINS = ['https://b.example.com']\n"
        "with open('x') as HANDLE:\n"
        "    pass\n"
    )
    assert resolve_last(source + "ORIGINS\n").plain() == ("https://b.example.com",)
    assert not resolve_last(source + "HANDLE\n").known


# -- names read where they are used (functions, blocks) -------------------------------------


def resolve_in(source: str, expression: str, path: str = "mod.py") -> Value:
    """`expression` resolved where the statement `probe(expression)` stands in `source`."""
    module = PythonProject().parse(path, source)
    for node in ast.walk(module.tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "probe"
            and module.source(node.args[0]) == expression
        ):
            return module.resolve(node.args[0])
    raise AssertionError(f"no probe({expression}) in the source")


def test_a_function_local_dict_completed_before_use() -> None:
    source = (
        "import os\n"
        "def create_app():\n"
        "    regex = os.getenv('PREVIEW_REGEX')\n"
        "    options = {'allow_origins': ['https://a.example']}\n"
        "    options['allow_credentials'] = True\n"
        "    options.update(max_age=60)\n"
        "    if regex:\n"
        "        options['allow_origin_regex'] = regex\n"
        "    if os.getenv('LEGACY'):\n"
        "        options['expose_headers'] = ['X-Old']\n"
        "    probe(options)\n"
    )
    value = resolve_in(source, "options")
    assert value.raw["allow_credentials"].plain() is True and value.raw["max_age"].plain() == 60
    assert "allow_origin_regex" not in value.raw  # PREVIEW_REGEX unset: the `if` does not run
    assert "expose_headers" not in value.raw  # os.getenv("LEGACY") is None while unset
    assert value.raw["allow_origins"].plain() == ("https://a.example",)


def test_a_change_under_an_undecidable_condition_leaves_only_its_key_unknown() -> None:
    source = (
        "def create_app(flags):\n"
        "    options = {'allow_origins': ['https://a.example']}\n"
        "    if flags.preview:\n"
        "        options['allow_origin_regex'] = flags.preview\n"
        "    origins = ['https://a.example']\n"
        "    if flags.local:\n"
        "        origins.append('http://localhost:3000')\n"
        "    probe(options)\n"
        "    probe(origins)\n"
    )
    options = resolve_in(source, "options")
    assert options.raw["allow_origins"].known and not options.raw["allow_origin_regex"].known
    assert "flags.preview" in options.raw["allow_origin_regex"].description
    assert not resolve_in(source, "origins").known  # a list changed maybe: never guessed


def test_decided_branches_name_the_variable_that_decided() -> None:
    source = (
        "import os\n"
        "MODE = os.getenv('APP_MODE', 'dev')\n"
        "if MODE == 'dev':\n"
        "    ORIGINS = ['*']\n"
        "else:\n"
        "    ORIGINS = ['https://a.example']\n"
        "probe(ORIGINS)\n"
        "probe(['*'] if MODE != 'dev' else [])\n"
    )
    value = resolve_in(source, "ORIGINS")
    assert value.plain() == ("*",) and value.condition == "when APP_MODE is unset"
    assert resolve_in(source, "['*'] if MODE != 'dev' else []").plain() == ()


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('os.getenv("X") is None', True),
        ('os.getenv("X") == "1"', False),
        ('bool(os.getenv("X"))', False),
        ('os.getenv("X") and "a"', None),
        ('os.getenv("X") or "*"', "*"),
        ('str(os.getenv("X")).lower() in ("1", "true")', False),
    ],
)
def test_a_variable_read_without_default_is_none_while_unset(expression: str, expected: Any) -> None:
    value = resolve_in(f"import os\nprobe({expression})\n", expression)
    assert value.plain() == expected and value.condition == "when X is unset"


def test_a_variable_read_without_default_is_still_unknown_as_a_value() -> None:
    value = resolve_in('import os\nprobe(os.getenv("ORIGINS"))\n', 'os.getenv("ORIGINS")')
    assert not value.known and value.description == "environment variable ORIGINS (no default)"


# -- the project's own functions ------------------------------------------------------------


ENV_HELPERS = """
import os
from distutils.util import strtobool


def extract_bool(value):
    return str(value).lower() in ("true", "1", "yes")


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def str2bool(v):
    if isinstance(v, bool):
        return v
    if v.lower() in ("yes", "true", "t", "1"):
        return True
    elif v.lower() in ("no", "false", "f", "0"):
        return False
    raise ValueError("Boolean value expected.")


def from_vault(name):
    return VAULT.read(name)


@decorated
def wrapped(name):
    return True
"""


@pytest.mark.parametrize(
    ("expression", "expected", "condition"),
    [
        ('extract_bool(os.getenv("OPEN", "True"))', True, "when OPEN is unset"),
        ('env_bool("OPEN", default=True)', True, "when OPEN is unset"),
        ('env_bool("OPEN")', False, "when OPEN is unset"),
        ('env_bool("OPEN", default=env_bool("DEBUG"))', False, "when OPEN is unset"),
        ('str2bool(os.getenv("OPEN", "yes"))', True, "when OPEN is unset"),
        ('bool(strtobool(os.environ.get("OPEN", "off")))', False, "when OPEN is unset"),
    ],
)
def test_env_helpers_the_project_defines_are_judged_by_their_default(
    expression: str, expected: Any, condition: str
) -> None:
    value = resolve_in(ENV_HELPERS + f"probe({expression})\n", expression)
    assert value.plain() == expected and value.condition == condition


@pytest.mark.parametrize(
    "expression", ['from_vault("OPEN")', 'wrapped("OPEN")', 'str2bool(os.getenv("OPEN", "maybe"))']
)
def test_helpers_that_are_more_than_a_default_stay_unknown(expression: str) -> None:
    value = resolve_in(ENV_HELPERS + f"probe({expression})\n", expression)
    assert not value.known and value.description


def test_a_parameter_takes_what_every_caller_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "requirements.txt").write_text("fastapi\n")
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "__init__.py").write_text("")
    (tmp_path / "web" / "cors.py").write_text(
        "def setup(app, origins=None, credentials=False):\n"
        "    if origins is None:\n"
        "        origins = ['*']\n"
        "    probe(origins)\n"
        "    probe(credentials)\n"
    )
    (tmp_path / "web" / "main.py").write_text("from web.cors import setup\nsetup(APP, credentials=True)\n")
    (tmp_path / "web" / "admin.py").write_text("from web import cors\ncors.setup(ADMIN, credentials=False)\n")
    source = (tmp_path / "web" / "cors.py").read_text()
    assert resolve_in(source, "origins", path="web/cors.py").plain() == ("*",)
    credentials = resolve_in(source, "credentials", path="web/cors.py")
    assert not credentials.known and "different values" in credentials.description


# -- objects of the project's classes -------------------------------------------------------


def test_config_objects_and_their_sections(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.py").write_text(
        "import dataclasses\n"
        "from functools import lru_cache\n"
        "from typing import Optional\n"
        "from pydantic import BaseModel, Field\n\n"
        "@dataclasses.dataclass\n"
        "class Project:\n"
        "    allow_origins: list = dataclasses.field(default_factory=lambda: ['*'])\n"
        "    timeout: int = 30\n\n"
        "@dataclasses.dataclass\n"
        "class Config:\n"
        "    project: Optional[Project] = None\n\n"
        "class Section(BaseModel):\n"
        "    origins: list[str] = Field(default_factory=list)\n"
        "    credentials: bool = True\n\n"
        "class Settings(BaseModel):\n"
        "    cors: Section = Field(default_factory=Section)\n"
        "    site: str = 'https://a.example'\n"
        "    @property\n"
        "    def all_origins(self):\n"
        "        return [self.site.rstrip('/')] + self.cors.origins\n\n"
        "class Plain:\n"
        "    def __init__(self, debug=False):\n"
        "        self.origins = ['https://a.example']\n"
        "        if debug:\n"
        "            self.origins = ['*']\n\n"
        "def load(user):\n"
        "    return Config(project=Project(**user))\n\n"
        "@lru_cache\n"
        "def get_settings():\n"
        "    return Settings()\n\n"
        "config = load(read_user_file())\n"
    )
    main = "from config import Plain, Settings, config, get_settings\n"
    value = resolve_last(main + "config.project.allow_origins", path="main.py")
    # the class default, unless `**user` sets it
    assert value.plain() == ("*",) and value.provenance is Provenance.SETTINGS_DEFAULT
    assert resolve_last(main + "get_settings().all_origins", path="main.py").plain() == ("https://a.example",)
    dumped = resolve_last(main + "get_settings().cors.model_dump(exclude={'credentials'})", path="main.py")
    assert dumped.plain() == {"origins": ()}
    assert resolve_last(main + "Plain().origins", path="main.py").plain() == ("https://a.example",)
    assert resolve_last(main + "Plain(debug=True).origins", path="main.py").plain() == ("*",)
    assert resolve_last(main + "Settings(site='https://b.example').site", path="main.py").plain() == (
        "https://b.example"
    )


def test_command_line_defaults() -> None:
    source = (
        "import argparse, json\n"
        "parser = argparse.ArgumentParser()\n"
        "parser.add_argument('--allowed-origins', type=json.loads, default='[\"*\"]')\n"
        "parser.add_argument('--with-credentials', action='store_true')\n"
        "parser.add_argument('--origin', dest='single')\n"
        "args = parser.parse_args()\n"
        "probe(args.allowed_origins)\n"
        "probe(args.with_credentials)\n"
        "probe(args.single)\n"
    )
    origins = resolve_in(source, "args.allowed_origins")
    assert origins.plain() == ("*",) and origins.condition == "when --allowed-origins is unset"
    assert resolve_in(source, "args.with_credentials").plain() is False
    assert resolve_in(source, "args.single").plain() is None


def test_data_files_read_by_a_literal_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "defaults.toml").write_text('[cors]\norigins = ["*"]\n')
    (tmp_path / "conf" / "cors.json").write_text('{"origins": ["https://a.example"]}\n')
    (tmp_path / "conf" / "settings.py").write_text(
        "import json, os, tomllib\n"
        "from pathlib import Path\n"
        "HERE = os.path.dirname(os.path.abspath(__file__))\n"
        "with open(os.path.join(HERE, 'defaults.toml'), 'rb') as f:\n"
        "    DEFAULTS = tomllib.load(f)\n"
        "PINNED = json.loads((Path(__file__).parent / 'cors.json').read_text())\n"
        "MISSING = json.load(open('absent.json'))\n"
    )
    main = "from conf.settings import DEFAULTS, MISSING, PINNED\n"
    value = resolve_last(main + "DEFAULTS['cors']['origins']", path="main.py")
    assert value.plain() == ("*",) and value.provenance is Provenance.CONFIG_FILE
    assert value.location.path.endswith("defaults.toml") and value.location.line == 2  # its own line
    assert resolve_last(main + "PINNED.get('origins')", path="main.py").plain() == ("https://a.example",)
    assert not resolve_last(main + "MISSING", path="main.py").known


def test_imports_below_the_module_level_name_their_classes() -> None:
    source = (
        "if has_web():\n"
        "    from fastapi.middleware.cors import CORSMiddleware\n"
        "try:\n"
        "    from starlette.middleware import Middleware\n"
        "except ImportError:\n"
        "    Middleware = None\n"
        "def build():\n"
        "    from fastapi import FastAPI as App\n"
        "CORSMiddleware\n"
    )
    module = PythonModule("mod.py", source, PythonProject())
    names = {n.id: module.qualified_name(n) for n in ast.walk(module.tree) if isinstance(n, ast.Name)}
    assert names["CORSMiddleware"] == "fastapi.middleware.cors.CORSMiddleware"
    assert names["Middleware"] == "starlette.middleware.Middleware"
    assert module.nested_imports["App"] == "fastapi.FastAPI"


def test_attrs_fields_and_factories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "conf.py").write_text(
        "import attr\n\n"
        "@attr.s\n"
        "class Cors:\n"
        "    origins = attr.ib(factory=lambda: ['*'])\n"
        "    headers = attr.ib(default=attr.Factory(list))\n"
        "    max_age = attr.ib(default=600)\n\n"
        "CORS = Cors()\n"
    )
    main = "from conf import CORS\n"
    assert resolve_last(main + "CORS.origins", path="main.py").plain() == ("*",)
    assert resolve_last(main + "CORS.headers", path="main.py").plain() == ()
    assert resolve_last(main + "CORS.max_age", path="main.py").plain() == 600


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('f"http://localhost:{PORT:d}"', "http://localhost:8080"),
        ('f"{HOST!r}"', "'a.example'"),
        ("CONFIG['cors']['origins'][0]", "https://a.example"),
        ("CONFIG.get('missing', ['*'])", ("*",)),
        ("PORT > 0 and HOST", "a.example"),
    ],
)
def test_more_expressions(expression: str, expected: Any) -> None:
    source = "PORT = 8080\nHOST = 'a.example'\nCONFIG = {'cors': {'origins': ['https://a.example']}}\n"
    assert resolve_last(source + expression).plain() == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('dict(allow_origins=["*"], max_age=600)', {"allow_origins": ("*",), "max_age": 600}),
        ("dict(BASE, max_age=60)", {"allow_credentials": True, "max_age": 60}),
        (
            'dict(**BASE, allow_origins=["https://a.example"])',
            {"allow_credentials": True, "allow_origins": ("https://a.example",)},
        ),
        ("dict()", {}),
    ],
)
def test_dict_calls_build_their_mapping(expression: str, expected: Any) -> None:
    source = "BASE = {'allow_credentials': True}\n"
    assert resolve_last(source + expression).plain() == expected


@pytest.mark.parametrize("expression", ["dict(UNKNOWN, max_age=1)", "dict(PAIRS)", "dict(*ARGS)"])
def test_dict_calls_over_unknown_mappings_stay_unknown(expression: str) -> None:
    source = "import os\nUNKNOWN = os.environ\nPAIRS = [('a', 1)]\nARGS = [{}]\n"
    assert not resolve_last(source + expression).known


def test_an_assignment_expression_is_its_value() -> None:
    assert resolve_last("import os\n(flag := os.getenv('OPEN_CORS') is not None)").plain() is False
    assert resolve_last("(size := 600) + 1").plain() == 601
