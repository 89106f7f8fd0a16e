"""How real Flask projects wire Flask-CORS (issue 14): imports inside functions, blueprints,
extension objects bound in factories, config modules and classes, helpers the app is
handed to, config reads in options, conditional config and config switches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from corslint.extractors.context import ProjectContext
from corslint.extractors.flask.extractor import extract
from corslint.frameworks.flask_cors import respond
from corslint.http import Request
from corslint.model import CorsPolicy, Provenance, exclusive_arms

EVIL = "https://evil.test"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def extracted(files: dict[str, str], name: str = "app.py") -> tuple[CorsPolicy, ...]:
    for file_name, text in files.items():
        path = Path(file_name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return extract(name, Path(name).read_text("utf-8"), ProjectContext()).policies


def plain(p: CorsPolicy) -> dict[str, Any]:
    return {name: value.plain() for name, value in p.options.items()}


def reflects(p: CorsPolicy) -> bool:
    answer = respond(p, Request.make("GET", EVIL, path=p.probe_path))
    return answer.get("access-control-allow-origin") == EVIL


# -- imports -----------------------------------------------------------------------------


def test_an_import_inside_the_function_is_seen() -> None:
    source = (
        "from flask import Flask\n"
        "def create_app():\n"
        "    app = Flask(__name__)\n"
        "    from flask_cors import CORS as Cors\n"
        "    Cors(app, supports_credentials=True)\n"
        "    return app\n"
    )
    (p,) = extracted({"app.py": source})
    assert plain(p) == {"supports_credentials": True} and reflects(p)


def test_the_same_name_outside_the_function_is_not_flask_cors() -> None:
    source = (
        "from flask import Flask\n"
        "def CORS(app):\n"
        "    return app\n"
        "def create_app():\n"
        "    app = Flask(__name__)\n"
        "    CORS(app)\n"
        "def other():\n"
        "    from flask_cors import CORS\n"
        "    return CORS\n"
    )
    assert extracted({"app.py": source}) == ()


@pytest.mark.parametrize(
    "head",
    [
        "from flask_cors import *\n",
        "try:\n    from flask_cors import CORS\nexcept ImportError:\n    CORS = None\n",
    ],
    ids=["star", "try"],
)
def test_star_and_guarded_imports(head: str) -> None:
    (p,) = extracted({"app.py": "from flask import Flask\n" + head + "app = Flask(__name__)\nCORS(app)\n"})
    assert reflects(p)


def test_a_blueprint_imported_in_the_function_is_a_blueprint() -> None:
    files = {
        "views.py": "from flask import Blueprint\nbp = Blueprint('v', __name__, url_prefix='/v')\n"
        "@bp.get('/items')\ndef items():\n    return ''\n",
        "app.py": "def init_app(app):\n    from flask_cors import CORS\n    from views import bp\n"
        "    app.config['CORS_ORIGINS'] = ['https://a.example.com']\n"
        "    CORS(bp)\n    app.register_blueprint(bp)\n",
    }
    (p,) = extracted(files)
    assert p.routes is not None and [r.path for r in p.routes] == ["/v/items"]
    assert "origins" not in p.options and reflects(p)  # a blueprint has no config: the default


def test_cors_called_on_a_fresh_extension_object() -> None:
    source = "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n"
    (p,) = extracted({"app.py": source + "CORS(origins=['https://a.example.com']).init_app(app)\n"})
    assert plain(p) == {"origins": ("https://a.example.com",)}


# -- conditional config ------------------------------------------------------------------

HEAD = "import os\nfrom flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n"


def test_a_condition_that_changes_nothing_is_no_condition() -> None:
    source = (
        HEAD
        + "if os.getenv('X'):\n    app.config['CORS_ORIGINS'] = '*'\nCORS(app, supports_credentials=True)\n"
    )
    (p,) = extracted({"app.py": source})
    origins = p.option("origins")
    assert origins is not None and origins.plain() == "*" and origins.location.line == 6
    assert p.branch == ""


def test_arms_that_differ_are_one_policy_each() -> None:
    source = HEAD + (
        "if os.getenv('X') == 'prod':\n"
        "    app.config['CORS_ORIGINS'] = ['https://a.example.com']\n"
        "CORS(app)\n"
    )
    first, second = extracted({"app.py": source})
    assert (first.branch, second.branch) == ("if@5", "else@5")
    assert exclusive_arms(first.branch, second.branch)
    assert not reflects(first) and reflects(second)


def test_a_switch_with_a_default_decides_the_if() -> None:
    source = (
        "from flask import Flask\nfrom flask_cors import CORS\n"
        "def create_app(test_config=None, debug=False):\n"
        "    app = Flask(__name__)\n"
        "    if test_config is None:\n"
        "        app.config.from_mapping(CORS_ORIGINS=['https://a.example.com'])\n"
        "    else:\n"
        "        app.config.from_mapping(test_config)\n"
        "    if debug:\n"
        "        app.config['CORS_ORIGINS'] = '*'\n"
        "    CORS(app)\n"
        "    return app\n"
    )
    (p,) = extracted({"app.py": source})
    assert plain(p) == {"origins": ("https://a.example.com",)} and p.branch == ""


def test_from_prefixed_env_makes_earlier_keys_defaults() -> None:
    source = HEAD + "app.config['CORS_ORIGINS'] = '*'\napp.config.from_prefixed_env('SHOP')\nCORS(app)\n"
    (p,) = extracted({"app.py": source})
    origins = p.option("origins")
    assert origins is not None and origins.provenance is Provenance.ENV_DEFAULT
    assert origins.env_var == "SHOP_CORS_ORIGINS"


def test_setdefault_keeps_an_earlier_value() -> None:
    source = HEAD + (
        "app.config['CORS_ORIGINS'] = ['https://a.example.com']\n"
        "app.config.setdefault('CORS_ORIGINS', '*')\n"
        "app.config.setdefault('CORS_MAX_AGE', 600)\n"
        "CORS(app)\n"
    )
    (p,) = extracted({"app.py": source})
    assert plain(p) == {"origins": ("https://a.example.com",), "max_age": 600}


def test_a_config_switch_that_is_off_means_no_cors() -> None:
    source = HEAD + (
        "app.config.from_mapping(ENABLE_CORS=False, CORS_OPTIONS={})\n"
        "if app.config['ENABLE_CORS']:\n"
        "    CORS(app, **app.config['CORS_OPTIONS'])\n"
    )
    assert extracted({"app.py": source}) == ()
    switched_on = source.replace("ENABLE_CORS=False", "ENABLE_CORS=True")
    (p,) = extracted({"app.py": switched_on})
    assert reflects(p)


# -- config across functions and modules -------------------------------------------------


def test_a_helper_that_loads_the_config_counts() -> None:
    files = {
        "settings.py": "CORS_ORIGINS = ['https://a.example.com']\nCORS_SUPPORTS_CREDENTIALS = True\n",
        "loading.py": "def load(target):\n    target.config.from_object('settings')\n",
        "app.py": "from flask import Flask\nfrom flask_cors import CORS\nfrom loading import load\n"
        "def create_app():\n    app = Flask(__name__)\n    load(app)\n    CORS(app)\n    return app\n",
    }
    (p,) = extracted(files)
    assert plain(p) == {"origins": ("https://a.example.com",), "supports_credentials": True}
    origins = p.option("origins")
    assert origins is not None and origins.location.path == "settings.py"


def test_an_extension_helper_sees_its_callers_config() -> None:
    files = {
        "config.py": "class Config:\n    CORS_ORIGINS = ['https://a.example.com']\n",
        "extensions.py": "from flask_cors import CORS\ncors = CORS(supports_credentials=True)\n"
        "def init_extensions(app):\n    cors.init_app(app)\n",
        "app.py": "from flask import Flask\nfrom config import Config\nfrom extensions import init_extensions\n"
        "def create_app():\n    app = Flask(__name__)\n    app.config.from_object(Config)\n"
        "    init_extensions(app)\n    return app\n",
    }
    (p,) = extracted(files, "extensions.py")
    assert plain(p) == {"origins": ("https://a.example.com",), "supports_credentials": True}
    credentials = p.option("supports_credentials")
    assert credentials is not None and credentials.location.path == "extensions.py"


def test_callers_that_disagree_leave_the_key_unknown() -> None:
    source = (
        "from flask import Flask\nfrom flask_cors import CORS\n"
        "def init_cors(app):\n    CORS(app)\n"
        "def one():\n    app = Flask(__name__)\n    app.config['CORS_ORIGINS'] = 'https://a.example.com'\n"
        "    init_cors(app)\n"
        "def two():\n    app = Flask(__name__)\n    app.config['CORS_ORIGINS'] = 'https://b.example.com'\n"
        "    init_cors(app)\n"
    )
    (p,) = extracted({"app.py": source})
    origins = p.option("origins")
    assert origins is not None and not origins.known and "differs between the callers" in origins.description


def test_options_read_from_the_app_config() -> None:
    files = {
        "config.py": "import os\nclass Config:\n    PREFIX = '/api'\n    FRONT = os.getenv('FRONT', '*')\n",
        "app.py": "from flask import Flask\nfrom flask_cors import CORS\nfrom config import Config\n"
        "app = Flask(__name__)\napp.config.from_object(Config)\n"
        "CORS(app, resources={f\"{app.config['PREFIX']}/*\": {'origins': app.config['FRONT']}},\n"
        "     max_age=app.config.get('CORS_AGE', 300))\n",
    }
    (p,) = extracted(files)
    assert p.scope == "/api/*"
    origins = p.option("origins")
    assert origins is not None and origins.plain() == "*" and origins.env_var == "FRONT"
    assert (origins.location.path, origins.location.line) == ("app.py", 6)
    assert plain(p)["max_age"] == 300


def test_an_unknown_resource_key_leaves_the_others_judged() -> None:
    source = HEAD + (
        "def prefix():\n    return os.environ['PREFIX']\n"
        "CORS(app, resources={'/api/*': {'origins': '*'}, f'{prefix()}/*': {'origins': 'https://a.example.com'}},\n"
        "     supports_credentials=True)\n"
        "@app.get('/api/items')\ndef items():\n    return ''\n"
    )
    known, unknown = extracted({"app.py": source})
    assert known.scope == "/api/*" and reflects(known)
    # the unknown pattern stands for the paths it covers (CORS305 names it): its own
    # options are judged there
    resources = unknown.option("resources")
    assert resources is not None and resources.description == "f'{prefix()}/*'" and unknown.scope
    assert [item.raw for item in resources.raw] == [".*"]
    assert not [e for e in (*known.evidence, *unknown.evidence) if e.kind == "not-applied"]


def test_a_blueprint_view_reads_the_config_of_the_app_it_is_registered_on() -> None:
    files = {
        "config.py": "class Config:\n    CORS_ORIGINS = ['https://a.example.com']\n"
        "    CORS_SUPPORTS_CREDENTIALS = True\n",
        "app.py": "from flask import Flask\nfrom config import Config\n"
        "def create_app():\n    app = Flask(__name__)\n    app.config.from_object(Config)\n"
        "    from views import bp\n    app.register_blueprint(bp, url_prefix='/api')\n    return app\n",
        "views.py": "from flask import Blueprint\nfrom flask_cors import cross_origin\n"
        "bp = Blueprint('v', __name__)\n"
        "@bp.route('/items', methods=['GET', 'PUT'])\n@cross_origin()\ndef items():\n    return ''\n",
    }
    (p,) = extracted(files, "views.py")
    assert plain(p) == {"origins": ("https://a.example.com",), "supports_credentials": True}
    assert p.probe_path == "/api/items" and p.routes is not None and p.routes[0].path == "/api/items"


def test_an_initializer_class_hands_the_app_to_its_methods() -> None:
    files = {
        "defaults.py": "ENABLE_CORS = True\nCORS_OPTIONS = {'origins': '*', 'supports_credentials': True}\n",
        "app.py": "from flask import Flask\n"
        "class Initializer:\n"
        "    def __init__(self, app):\n        self.flask_app = app\n        self.config = app.config\n"
        "    def init_cors(self):\n"
        "        if self.config['ENABLE_CORS']:\n"
        "            from flask_cors import CORS\n"
        "            CORS(self.flask_app, **self.config['CORS_OPTIONS'])\n"
        "def create_app():\n    app = Flask(__name__)\n    app.config.from_object('defaults')\n"
        "    Initializer(app).init_cors()\n    return app\n",
    }
    (p,) = extracted(files)
    assert plain(p) == {"origins": "*", "supports_credentials": True}
    origins = p.option("origins")
    assert origins is not None and origins.location.path == "defaults.py"


def test_the_project_scan_parses_only_the_modules_that_name_what_it_looks_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding who registers a blueprint or calls a helper parses only the modules whose
    bytes name it (on alerta, each linted file parsed all 155 modules: 2.6 s, 223 MB)."""
    (tmp_path / "requirements.txt").write_text("flask\nflask-cors\n")
    package = tmp_path / "notes"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from flask import Flask\n\nfrom notes.api import bp\n\n"
        "def create_app():\n    app = Flask(__name__)\n    app.register_blueprint(bp)\n    return app\n"
    )
    api = "from flask import Blueprint\nfrom flask_cors import cross_origin\n\nbp = Blueprint('api', __name__)\n\n"
    api += "@bp.get('/notes')\n@cross_origin()\ndef notes():\n    return []\n"
    (package / "api.py").write_text(api)
    for n in range(6):
        (package / f"model{n}.py").write_text(f"ROWS = {n}\n")
    monkeypatch.chdir(tmp_path)
    context = ProjectContext()
    extraction = extract("notes/api.py", api, context)
    assert extraction.policies
    parsed = sorted(path.name for path, module in context.python._modules.items() if module is not None)
    assert not [name for name in parsed if name.startswith("model")], parsed
