"""Config text expanded from the environment before it is parsed (`python.expanded_text`):
`os.path.expandvars(f.read())`, `re.sub(PATTERN, repl, text)`, `string.Template(text)
.safe_substitute(os.environ)`, then `yaml.safe_load` / `json.loads`. Checked against the
real functions, PyYAML and Starlette: every entry corslint reads is what the app gets
whatever the environment holds, and every entry it leaves unknown changes with it. The
projects run in a subprocess so that their modules do not meet."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from corslint.model import CorsPolicy, Provenance
from tests.conftest import FIXTURES, linted_inside, sole_policy_inside

pytest.importorskip("yaml")

ATTACKER = "https://attacker.invalid"
VARIABLES = (
    "ORIGIN_A",
    "ORIGIN_B",
    "GALLERY_ADMIN_ORIGIN",
    "GALLERY_BUCKET",
    "CRM_PORTAL_ORIGIN",
    "CRM_SMTP_HOST",
)


def _run(project: Path, code: str, env: dict[str, str], *args: str) -> Any:
    clean = {k: v for k, v in os.environ.items() if k.split(":")[0] not in VARIABLES}
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=project,
        env={**clean, "PYTHONPATH": str(project), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def _entries(policy: CorsPolicy) -> list[Any]:
    value = policy.options["allow_origins"]
    assert value.known and isinstance(value.raw, tuple)
    return [item.raw if item.known else None for item in value.raw]


FIXTURE = FIXTURES / "starlette" / "yaml_expandvars_settings"
REAL = """
import json, sys
from starlette.testclient import TestClient
from gallery.config import SETTINGS
from gallery.main import app
response = TestClient(app).get("/albums", headers={"Origin": sys.argv[1], "Cookie": "s=1"})
print(json.dumps({"origins": SETTINGS["http"]["cors"]["origins"],
                  "allow_origin": response.headers.get("access-control-allow-origin"),
                  "credentials": response.headers.get("access-control-allow-credentials")}))
"""


@pytest.mark.parametrize("admin", [None, "https://admin.example.org"])
def test_fixture_reads_what_expandvars_leaves(admin: str | None) -> None:
    pytest.importorskip("starlette.testclient")
    env = {"GALLERY_ADMIN_ORIGIN": admin} if admin else {}
    real = _run(FIXTURE, REAL, env, ATTACKER)
    extracted = _entries(sole_policy_inside(FIXTURE, "starlette"))
    assert extracted == ["*", None]  # the placeholder: CORS305
    # unset, expandvars leaves `${GALLERY_ADMIN_ORIGIN}` as written; set, its value
    assert real["origins"] == ["*", admin or "${GALLERY_ADMIN_ORIGIN}"]
    # what CORS101 says, whatever the variable holds: any Origin, with credentials
    assert real["allow_origin"] == ATTACKER and real["credentials"] == "true"


APP = (
    "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n"
    "from loader import CONF\n\napp = FastAPI()\n"
    'app.add_middleware(CORSMiddleware, allow_origins=CONF["cors"]["origins"])\n'
)
HEAD = "import json\nimport os\nimport re\nimport string\nfrom pathlib import Path\n\nimport yaml\n\n"
EXPANDVARS = HEAD + (
    "with open(Path(__file__).parent / 'cors.{ext}') as handle:\n"
    "    CONF = {load}(os.path.expandvars(handle.read()))\n"
)
TEMPLATE = HEAD + (
    "text = (Path(__file__).parent / 'cors.{ext}').read_text()\n"
    "CONF = {load}(string.Template(text).safe_substitute(os.environ))\n"
)
RE_SUB = HEAD + (
    'PATTERN = re.compile(r"\\$\\{{(\\w+)(?::([^}}]*))?\\}}")\n\n\n'
    "def expand(text):\n"
    "    return PATTERN.sub(lambda m: os.environ.get(m.group(1), m.group(2) or ''), text)\n\n\n"
    "with open(Path(__file__).parent / 'cors.{ext}') as handle:\n"
    "    CONF = {load}(expand(handle.read()))\n"
)
RE_SUB_INLINE = HEAD + (
    "raw = Path(__file__).with_name('cors.{ext}').read_text()\n"
    "CONF = {load}(re.sub(r'\\$(\\w+)', lambda m: os.getenv(m.group(1), ''), raw))\n"
)
OTHER_SUB = HEAD + (  # a substitution corslint does not read: the file stays unknown
    "raw = Path(__file__).with_name('cors.{ext}').read_text()\n"
    "CONF = {load}(re.sub(r'@(\\w+)@', lambda m: os.getenv(m.group(1), ''), raw))\n"
)
WALKED = (
    "    return value\n\n\n"
    "with open(Path(__file__).parent / 'cors.{ext}') as handle:\n"
    "    CONF = walk({load}(handle.read()))\n"
)
WALK_EXPANDVARS = (
    HEAD
    + (
        "def walk(value):\n"
        "    if isinstance(value, str):\n        return os.path.expandvars(value)\n"
        "    elif isinstance(value, dict):\n        return {{k: walk(v) for k, v in value.items()}}\n"
        "    elif isinstance(value, (list, tuple)):\n        return [walk(v) for v in value]\n"
    )
    + WALKED
)
WALK_HELPER = (
    HEAD
    + (
        'PATTERN = re.compile(r"\\$\\{{(\\w+)(?::([^}}]*))?\\}}")\n\n\n'
        "def one(text):\n"
        "    return PATTERN.sub(lambda m: os.environ.get(m.group(1), m.group(2) or ''), text)\n\n\n"
        "def walk(value):\n"
        '    """Expand the placeholders of a loaded config."""\n'
        "    if isinstance(value, dict):\n        return {{k: walk(v) for k, v in value.items()}}\n"
        "    if isinstance(value, list):\n        return [walk(v) for v in value]\n"
        "    if isinstance(value, str):\n        return one(value)\n"
    )
    + WALKED
)
WALK_TEMPLATE = (
    HEAD
    + (
        "def walk(value):\n"
        "    if isinstance(value, str):\n"
        "        return string.Template(value).safe_substitute(os.environ)\n"
        "    if isinstance(value, dict):\n        return {{k: walk(v) for k, v in value.items()}}\n"
        "    if isinstance(value, list):\n        return [walk(v) for v in value]\n"
    )
    + WALKED
)
WALK_KEYS_TOO = (
    HEAD
    + (  # keys expanded as well: not the shape corslint reads
        "def walk(value):\n"
        "    if isinstance(value, str):\n        return os.path.expandvars(value)\n"
        "    if isinstance(value, dict):\n        return {{walk(k): walk(v) for k, v in value.items()}}\n"
        "    if isinstance(value, list):\n        return [walk(v) for v in value]\n"
    )
    + WALKED
)
YAML = (
    "cors:\n  origins:\n    - https://a.example.com\n    - ${ORIGIN_A}\n"
    '    - "${ORIGIN_B:https://b.example.com}"\n    - $ORIGIN_A\n'
)
JSON = '{"cors": {"origins": ["https://a.example.com", "${ORIGIN_A}", "$ORIGIN_B"]}}\n'


class Default(str):
    """An entry corslint reads as the placeholder's default, "when its variable is unset"."""


YAML_DEFAULTS = (
    "cors:\n  origins:\n    - ${ORIGIN_B:https://b.example.com}\n"
    '    - "${ORIGIN_A:*}"\n    - ${ORIGIN_A:true}\n    - ${ORIGIN_A}\n'
)
JSON_DEFAULTS = '{"cors": {"origins": ["${ORIGIN_A:*}", "${ORIGIN_B:https://b.example.com}"]}}\n'
CASES: dict[str, tuple[str, str, list[Any] | None]] = {  # loader, file, corslint's entries
    "expandvars_yaml": (EXPANDVARS, YAML, ["https://a.example.com", None, None, None]),
    "expandvars_json": (EXPANDVARS, JSON, ["https://a.example.com", None, None]),
    # `${ORIGIN_B:...}` is no Template placeholder: left as written
    "template_yaml": (
        TEMPLATE,
        YAML,
        ["https://a.example.com", None, "${ORIGIN_B:https://b.example.com}", None],
    ),
    "template_json": (TEMPLATE, JSON, ["https://a.example.com", None, None]),
    # braces only: `$ORIGIN_A` is left as written, whatever the environment holds
    # the callback's `m.group(2) or ''`: a quoted default is the value while the variable is unset
    "re_sub_braces_yaml": (
        RE_SUB,
        YAML,
        ["https://a.example.com", None, Default("https://b.example.com"), "$ORIGIN_A"],
    ),
    # plain defaults YAML reads back as the same text only; `true` would be a boolean
    "re_sub_defaults_yaml": (
        RE_SUB,
        YAML_DEFAULTS,
        [Default("https://b.example.com"), Default("*"), None, None],
    ),
    "re_sub_defaults_json": (RE_SUB, JSON_DEFAULTS, [Default("*"), Default("https://b.example.com")]),
    "re_sub_braces_json": (RE_SUB, JSON, ["https://a.example.com", None, "$ORIGIN_B"]),
    # no braces: `${...}` is left alone by the pattern, `$ORIGIN_A` is not
    "re_sub_bare_yaml": (
        RE_SUB_INLINE,
        YAML,
        ["https://a.example.com", "${ORIGIN_A}", "${ORIGIN_B:https://b.example.com}", None],
    ),
    "other_substitution": (OTHER_SUB, YAML, None),
    # the same expansions applied by a function walking the loaded settings
    "walk_expandvars_yaml": (WALK_EXPANDVARS, YAML, ["https://a.example.com", None, None, None]),
    "walk_expandvars_json": (WALK_EXPANDVARS, JSON, ["https://a.example.com", None, None]),
    "walk_helper_yaml": (
        WALK_HELPER,
        YAML,
        ["https://a.example.com", None, Default("https://b.example.com"), "$ORIGIN_A"],
    ),
    "walk_helper_defaults_yaml": (
        WALK_HELPER,
        YAML_DEFAULTS,
        [Default("https://b.example.com"), Default("*"), Default("true"), None],
    ),
    "walk_template_yaml": (
        WALK_TEMPLATE,
        YAML,
        ["https://a.example.com", None, "${ORIGIN_B:https://b.example.com}", None],
    ),
    "walk_keys_too": (WALK_KEYS_TOO, YAML, None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_expansion_shapes(case: str, tmp_path: Path) -> None:
    loader, text, expected = CASES[case]
    ext = "json" if text.startswith("{") else "yaml"
    load = "json.loads" if ext == "json" else "yaml.safe_load"
    (tmp_path / "loader.py").write_text(loader.format(ext=ext, load=load))
    (tmp_path / f"cors.{ext}").write_text(text)
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "requirements.txt").write_text("fastapi\npyyaml\n")
    code = "import json\nfrom loader import CONF\nprint(json.dumps(CONF['cors']['origins']))"
    unset = _run(tmp_path, code, {})
    both = {
        "ORIGIN_A": "https://x.example.net",
        "ORIGIN_B": "https://y.example.net",
        # expandvars takes all of `${...}` as the name, which the environment may hold
        "ORIGIN_B:https://b.example.com": "https://z.example.net",
    }
    set_ = _run(tmp_path, code, both)
    policy = sole_policy_inside(tmp_path, "starlette")
    if expected is None:
        assert not policy.options["allow_origins"].known
        return
    assert _entries(policy) == expected
    entries = policy.options["allow_origins"].raw
    for index, entry in enumerate(expected):
        if isinstance(entry, Default):  # what the app gets while the variable is unset
            assert unset[index] == entry != set_[index]
            assert entries[index].provenance is Provenance.ENV_DEFAULT and entries[index].env_var
        elif entry is not None:  # read: what the app gets, set or unset
            assert unset[index] == set_[index] == entry
        else:  # unknown: the environment decides (or the text is not what the app gets)
            written = entries[index].description.split(" (expanded", 1)[0]
            assert unset[index] != set_[index] or unset[index] != written


WALKER_FIXTURE = FIXTURES / "flask" / "yaml_settings_walker_expands_env"
FLASK_REAL = """
import json, sys
from crm.app import app
from crm.config import SETTINGS
answer = app.test_client().get("/contacts", headers={"Origin": sys.argv[1]})
print(json.dumps({"origins": SETTINGS["cors"]["origins"],
                  "allow_origin": answer.headers.get("Access-Control-Allow-Origin"),
                  "credentials": answer.headers.get("Access-Control-Allow-Credentials")}))
"""


@pytest.mark.parametrize("portal", [None, "https://portal.example.org"])
def test_walker_fixture_with_flask_cors(portal: str | None) -> None:
    pytest.importorskip("flask_cors")
    env = {"CRM_PORTAL_ORIGIN": portal} if portal else {}
    real = _run(WALKER_FIXTURE, FLASK_REAL, env, "http://crm.example.com")
    policy = next(p for p in linted_inside(WALKER_FIXTURE) if p.framework == "flask_cors")
    entries = policy.options["origins"].raw
    assert [item.raw if item.known else None for item in entries] == ["http://crm.example.com", None]
    assert real["origins"] == ["http://crm.example.com", portal or "${CRM_PORTAL_ORIGIN}"]
    # what CORS103 says: the plain-HTTP origin is answered, with credentials
    assert real["allow_origin"] == "http://crm.example.com" and real["credentials"] == "true"


def test_walker_imported_from_another_module(tmp_path: Path) -> None:
    walker = WALK_EXPANDVARS.split("def walk", 1)[1].split("\n\n\nwith open", 1)[0]
    (tmp_path / "envtools.py").write_text(
        "import os\n\n\ndef walk" + walker.replace("{{", "{").replace("}}", "}")
    )
    (tmp_path / "loader.py").write_text(
        "from pathlib import Path\n\nimport yaml\n\nfrom envtools import walk\n\n"
        "with open(Path(__file__).parent / 'cors.yaml') as handle:\n"
        "    CONF = walk(yaml.safe_load(handle))\n"
    )
    (tmp_path / "cors.yaml").write_text(YAML)
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "requirements.txt").write_text("fastapi\npyyaml\n")
    code = "import json\nfrom loader import CONF\nprint(json.dumps(CONF['cors']['origins']))"
    unset = _run(tmp_path, code, {})
    assert unset[0] == "https://a.example.com" and unset[1] == "${ORIGIN_A}"
    extracted = _entries(sole_policy_inside(tmp_path, "starlette"))
    assert extracted == ["https://a.example.com", None, None, None]
