"""The Flask-CORS model (respond, origin entries, startup checks) and the Flask extractor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from corslint.extractors.context import ProjectContext
from corslint.extractors.flask.extractor import extract
from corslint.extractors.flask.routes import sample_path
from corslint.frameworks.flask_cors import library_checks, origin_entries, respond
from corslint.http import Request, Response
from corslint.model import (
    CorsPolicy,
    Location,
    Provenance,
    Regex,
    UnresolvedValueError,
    Value,
    exclusive_arms,
)
from corslint.runner.run import lint
from corslint.runner.settings import Settings

HERE = Location.point("app.py", 1)
A = "https://a.example.com"


def policy(route_level: bool = False, **options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy("flask_cors", HERE, {k: wrap(v) for k, v in options.items()}, route_level=route_level)


def get(p: CorsPolicy, origin: str | None, path: str = "/") -> Response:
    return respond(p, Request.make("GET", origin, path=path))


def preflight(p: CorsPolicy, origin: str, method: str = "PUT", headers: str | None = None) -> Response:
    sent = {"access-control-request-method": method}
    if headers is not None:
        sent["access-control-request-headers"] = headers
    return respond(p, Request.make("OPTIONS", origin, sent))


# -- respond -------------------------------------------------------------------------------


def test_the_default_reflects_every_origin_with_vary() -> None:
    answer = get(policy(), "https://evil.test")
    assert answer.get("access-control-allow-origin") == "https://evil.test"
    assert answer.get("vary") == "Origin"
    assert get(policy(), None).as_dict() == {"access-control-allow-origin": "*"}


def test_default_with_credentials_reflects_and_sends_nothing_without_origin() -> None:
    p = policy(supports_credentials=True)
    assert get(p, "null").get("access-control-allow-origin") == "null"
    assert get(p, "null").get("access-control-allow-credentials") == "true"
    assert get(p, None).headers == ()


def test_a_glob_is_a_start_anchored_case_insensitive_regex() -> None:
    p = policy(origins=["https://*.example.com"])
    assert get(p, "https://a.example.com").get("access-control-allow-origin") is None
    assert get(p, "https://xexample.com").get("access-control-allow-origin") == "https://xexample.com"
    assert get(p, "HTTPS://EXAMPLE.COM.evil.test").get("access-control-allow-origin") is not None


def test_literals_compare_case_insensitively_and_reflect_verbatim() -> None:
    p = policy(origins=A)
    assert get(p, "https://A.Example.COM").get("access-control-allow-origin") == "https://A.Example.COM"
    assert get(p, A + "/").get("access-control-allow-origin") is None
    assert get(policy(origins=[A + "/"]), A).get("access-control-allow-origin") is None


def test_a_compiled_pattern_keeps_its_own_case_sensitivity() -> None:
    p = policy(origins=[Regex(r"https://app\.example\.com")])
    assert get(p, "https://app.example.com").get("access-control-allow-origin") is not None
    assert get(p, "https://APP.example.com").get("access-control-allow-origin") is None


def test_vary_only_with_several_origins_or_a_regex() -> None:
    assert get(policy(origins=[A]), A).get("vary") is None
    assert get(policy(origins=[A, "https://b.example.com"]), A).get("vary") == "Origin"
    assert get(policy(origins=[A, "https://b.example.com"], vary_header=False), A).get("vary") is None
    assert get(policy(send_wildcard=True), A).as_dict() == {"access-control-allow-origin": "*"}


def test_always_send_gives_the_first_literal_when_origin_is_absent() -> None:
    p = policy(origins=["https://b.example.com", A, r"https://.*\.test"])
    assert get(p, None).get("access-control-allow-origin") == A
    assert get(policy(origins=[A], always_send=False), None).headers == ()


def test_a_refused_method_drops_methods_headers_and_max_age_but_not_the_origin() -> None:
    p = policy(origins=[A], methods=["GET", "POST"], max_age=600)
    answer = preflight(p, A, "PUT", "content-type")
    assert answer.status == 200
    assert answer.as_dict() == {"access-control-allow-origin": A}
    allowed = preflight(p, A, "post", "content-type")
    assert allowed.get("access-control-allow-methods") == "GET, POST"
    assert allowed.get("access-control-max-age") == "600"


def test_methods_are_a_substring_test_on_the_joined_string() -> None:
    p = policy(origins=[A], methods="GET, PUT")
    assert preflight(p, A, "UT").get("access-control-allow-methods") == "GET, PUT"


def test_allowed_headers_are_the_matching_requested_ones() -> None:
    p = policy(origins=[A], allow_headers=["X-Custom"])
    assert preflight(p, A, "PUT", "authorization,content-type").get("access-control-allow-headers") is None
    both = preflight(policy(origins=[A]), A, "PUT", "x-b,authorization")
    assert both.get("access-control-allow-headers") == "authorization, x-b"


def test_zero_max_age_and_empty_expose_are_dropped() -> None:
    p = policy(origins=[A], max_age=0, expose_headers=[])
    answer = preflight(p, A)
    assert answer.get("access-control-max-age") is None
    assert answer.get("access-control-expose-headers") is None
    exposed = get(policy(expose_headers=["X-Total", "X-Page"]), A)
    assert exposed.get("access-control-expose-headers") == "X-Page, X-Total"


def test_every_options_request_is_answered_by_flask() -> None:
    assert respond(policy(), Request.make("OPTIONS", A)).status == 200
    assert preflight(policy(origins=[A]), "https://evil.test").as_dict() == {}


def test_a_decorator_without_automatic_options_leaves_the_preflight_bare() -> None:
    p = policy(route_level=True, automatic_options=False)
    assert preflight(p, A).headers == ()
    assert get(p, A).get("access-control-allow-origin") == A


def test_resources_answer_only_their_paths_first_match_first() -> None:
    p = CorsPolicy(
        "flask_cors",
        HERE,
        {"resources": Value((Value("/api/v1/.*", HERE), Value("/api/.*", HERE)), HERE)},
        scope="/api/.*",
    )
    assert get(p, A, "/api/v2/x").get("access-control-allow-origin") == A
    assert get(p, A, "/api/v1/x").headers == ()
    assert get(p, A, "/other").headers == ()
    literal = CorsPolicy("flask_cors", HERE, {"resources": Value("/public", HERE)}, scope="/public")
    assert get(literal, A, "/public").headers != ()
    assert get(literal, A, "/public/x").headers == ()


def test_an_unresolved_value_propagates() -> None:
    unknown = Value(None, HERE, Provenance.UNKNOWN, description="os.environ['X']")
    p = CorsPolicy("flask_cors", HERE, {"origins": unknown})
    with pytest.raises(UnresolvedValueError):
        get(p, A)


# -- origin entries and startup checks -----------------------------------------------------


def test_origin_entries_are_classified_as_the_library_does() -> None:
    p = policy(origins=[A, "https://*.example.com", "*", Regex("https://x"), "null"])
    kinds = [(entry.value.raw, entry.kind) for entry in origin_entries(p)]
    assert kinds == [
        (A, "literal"),
        ("https://*.example.com", "regex"),
        ("*", "regex"),
        (Regex("https://x"), "regex"),
        ("null", "literal"),
    ]
    assert [e.kind for e in origin_entries(policy(origins=A))] == ["literal"]


def test_library_checks_invalid_regex_and_wildcard_credentials() -> None:
    (bad,) = library_checks(policy(origins=["https://(app|admin.example.com"]))
    assert "not a valid regular expression" in bad.message
    (refused,) = library_checks(policy(origins="*", send_wildcard=True, supports_credentials=True))
    assert refused.concerns == "credentials"
    assert library_checks(policy(origins="*", supports_credentials=True)) == ()


# -- extractor -------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


HEAD = "from flask import Flask, Blueprint\nfrom flask_cors import CORS, cross_origin\n"


def extracted(files: dict[str, str], name: str = "app.py") -> tuple[CorsPolicy, ...]:
    for file_name, text in files.items():
        path = Path(file_name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return extract(name, Path(name).read_text("utf-8"), ProjectContext()).policies


def options(p: CorsPolicy) -> dict[str, Any]:
    return {name: value.plain() for name, value in p.options.items()}


def test_the_origin_typo_is_evidence_and_kept_as_written() -> None:
    (p,) = extracted({"app.py": HEAD + 'app = Flask(__name__)\nCORS(app, origin="https://a.example.com")\n'})
    (typo,) = [e for e in p.evidence if e.kind == "unknown-option"]
    assert "did you mean `origins=`" in typo.detail and "reflects every origin" in typo.detail
    assert (typo.location.line, typo.location.column) == (4, 11)
    assert get(p, "https://evil.test").get("access-control-allow-origin") == "https://evil.test"


def test_config_counts_only_before_the_extension_reads_it() -> None:
    source = HEAD + (
        "app = Flask(__name__)\n"
        'app.config["CORS_SUPPORTS_CREDENTIALS"] = True\n'
        "CORS(app)\n"
        'app.config["CORS_ORIGINS"] = ["https://a.example.com"]\n'
        "@app.get('/x')\n"
        "@cross_origin()\n"
        "def view():\n"
        "    return ''\n"
    )
    extension, view = extracted({"app.py": source})
    assert options(extension) == {"supports_credentials": True}
    assert options(view) == {"supports_credentials": True, "origins": ("https://a.example.com",)}
    assert view.route_level and view.probe_path == "/x"


def test_config_update_from_object_and_kwargs_merge_in_the_library_order() -> None:
    source = HEAD + (
        "class Config:\n"
        '    CORS_ORIGINS = ["https://a.example.com"]\n'
        "    CORS_MAX_AGE = 600\n"
        "class Prod(Config):\n"
        "    CORS_SUPPORTS_CREDENTIALS = True\n"
        "app = Flask(__name__)\n"
        "app.config.from_object(Prod)\n"
        "app.config.update(CORS_MAX_AGE=60)\n"
        'CORS(app, origins=["https://b.example.com"])\n'
    )
    (p,) = extracted({"app.py": source})
    assert options(p) == {"origins": ("https://b.example.com",), "max_age": 60, "supports_credentials": True}


def test_from_object_by_import_string_and_by_selection() -> None:
    files = {
        "config.py": 'class Base:\n    CORS_ORIGINS = "https://a.example.com"\n'
        "class Dev(Base):\n    CORS_SUPPORTS_CREDENTIALS = True\n",
        "app.py": HEAD + "from config import Base, Dev\n"
        "CONFIGS = {'dev': Dev, 'prod': Base}\n"
        "app = Flask(__name__)\n"
        "app.config.from_object('config.Dev')\n"
        "app.config.from_object(CONFIGS[NAME])\n"
        "CORS(app)\n",
    }
    (p,) = extracted(files)
    origins = p.option("origins")
    assert origins is not None and origins.plain() == "https://a.example.com"
    # the config class holds the option: the value stays on its line, loaded from app.py
    assert origins.location.path == "config.py" and origins.related[-1].path == "app.py"
    credentials = p.option("supports_credentials")
    assert credentials is not None and not credentials.known
    assert "depends on which entry of CONFIGS" in credentials.description


def test_init_app_merges_constructor_and_init_keywords() -> None:
    files = {
        "ext.py": 'from flask_cors import CORS\ncors = CORS(origins=["https://a.example.com"], max_age=60)\n',
        "app.py": "from flask import Flask\nfrom ext import cors\n"
        "def create_app():\n"
        "    app = Flask(__name__)\n"
        "    creds = True\n"
        "    cors.init_app(app, max_age=120, supports_credentials=creds)\n"
        "    return app\n",
    }
    (p,) = extracted(files)
    assert options(p) == {"origins": ("https://a.example.com",), "max_age": 120, "supports_credentials": True}
    assert p.app.startswith("app.py::def create_app")


def test_a_blueprint_reads_no_app_config() -> None:
    source = HEAD + (
        "app = Flask(__name__)\n"
        'app.config["CORS_ORIGINS"] = "https://a.example.com"\n'
        'bp = Blueprint("api", __name__, url_prefix="/api")\n'
        "CORS(bp)\n"
        '@bp.route("/items/<int:item_id>", methods=["GET", "PUT"])\n'
        "def item(item_id):\n"
        "    return ''\n"
    )
    (p,) = extracted({"app.py": source})
    assert options(p) == {}
    assert p.probe_path == "/api/items/1"
    assert p.routes is not None and p.routes[0].methods == ("GET", "PUT")


def test_resources_dict_gives_one_policy_per_pattern_with_its_routes() -> None:
    source = HEAD + (
        "app = Flask(__name__)\n"
        "CORS(app, supports_credentials=True, resources={\n"
        '    r"/*": {"origins": "*"},\n'
        '    r"/api/*": {"origins": ["https://a.example.com"], "origin": "x"},\n'
        "})\n"
        '@app.route("/api/items", methods=["POST"])\n'
        "def items():\n    return ''\n"
        '@app.get("/feed")\n'
        "def feed():\n    return ''\n"
    )
    api, rest = extracted({"app.py": source})
    assert (api.scope, api.probe_path, rest.scope, rest.probe_path) == ("/api/*", "/api/items", "/*", "/feed")
    assert options(api)["resources"] == ("/api/*", "/*")
    assert [r.path for r in api.routes or ()] == ["/api/items"]
    assert [r.path for r in rest.routes or ()] == ["/feed"]
    assert any("`origin=`" in e.detail for e in api.evidence)
    assert options(rest)["origins"] == "*" and options(rest)["supports_credentials"] is True


def test_timedelta_max_age_and_method_views() -> None:
    source = HEAD + (
        "from datetime import timedelta\n"
        "from flask.views import MethodView\n"
        "app = Flask(__name__)\n"
        "CORS(app, max_age=timedelta(minutes=10))\n"
        "class Item(MethodView):\n"
        "    def get(self): ...\n"
        "    def patch(self): ...\n"
        'app.add_url_rule("/items", view_func=Item.as_view("item"))\n'
    )
    (p,) = extracted({"app.py": source})
    assert options(p) == {"max_age": "600"}
    assert p.routes is not None and p.routes[0].methods == ("GET", "PATCH", "HEAD")


def test_conditional_config_is_unknown_and_debug_guards_mark_development() -> None:
    source = HEAD + (
        "import os\n"
        "app = Flask(__name__)\n"
        "if os.getenv('STAGE') == 'prod':\n"
        '    app.config["CORS_ORIGINS"] = ["https://a.example.com"]\n'
        "if app.debug:\n"
        '    CORS(app, origins=["http://localhost:3000"])\n'
    )
    (p,) = extracted({"app.py": source})
    assert p.development_only
    assert options(p) == {"origins": ("http://localhost:3000",)}
    (q,) = extracted(
        {"app.py": source.replace("if app.debug:\n    CORS", "CORS").replace("\n    CORS", "\nCORS")}
    )
    origins = q.option("origins")
    assert origins is not None and origins.known  # the keyword wins over the conditional config


def test_routes_in_unresolvable_blueprints_are_unknown() -> None:
    source = (
        HEAD
        + "from somewhere_else import api\napp = Flask(__name__)\nCORS(app)\napp.register_blueprint(api)\n"
    )
    (p,) = extracted({"app.py": source})
    assert p.routes is None and p.probe_path == "/"


def test_sample_paths_fill_converters() -> None:
    assert sample_path("/u/<int:uid>/<name>/<path:rest>") == "/u/1/x/x/y"


def test_config_written_after_the_extension_is_not_applied_evidence() -> None:
    source = (
        HEAD + 'app = Flask(__name__)\nCORS(app)\napp.config.update(CORS_ORIGINS=["https://a.example.com"])\n'
    )
    (p,) = extracted({"app.py": source})
    (late,) = [e for e in p.evidence if e.kind == "not-applied"]
    assert late.location.line == 5 and "`CORS_ORIGINS` is set after `CORS` (line 4)" in late.detail


def test_a_literal_resource_matching_no_route_is_not_applied_evidence() -> None:
    source = HEAD + (
        'app = Flask(__name__)\nCORS(app, resources=["/api"])\n@app.get("/api/items")\ndef items():\n    return ""\n'
    )
    (p,) = extracted({"app.py": source})
    assert p.probe_path == "/api" and p.routes == ()
    (unused,) = [e for e in p.evidence if e.kind == "not-applied"]
    assert "`/api/items`" in unused.detail and unused.location.line == 4


@pytest.mark.parametrize(
    "block",
    ["while os.getenv('RETRY'):\n", "try:\n    pass\nexcept* ValueError:\n"],
    ids=["while", "except-star"],
)
def test_config_inside_other_blocks_is_conditional(block: str) -> None:
    """Like `for`, a `while` or an `except*` may not run, and has no arms to tell apart:
    CORS_* written inside is not a certain value for a CORS() outside."""
    body = '    app.config["CORS_ORIGINS"] = ["https://a.example.com"]\n'
    last = block.rstrip("\n").rsplit("\n", 1)[-1]
    depth = " " * (len(last) - len(last.lstrip()))
    source = HEAD + "import os\napp = Flask(__name__)\n" + block + depth + body + "CORS(app)\n"
    (p,) = extracted({"app.py": source})
    origins = p.option("origins")
    assert origins is not None and not origins.known
    assert "set only under a condition" in origins.description


def test_config_inside_a_with_block_counts() -> None:
    """A `with` body runs: `with app.app_context(): app.config[...] = ...` sets the key."""
    source = HEAD + (
        "app = Flask(__name__)\n"
        "with app.app_context():\n"
        '    app.config["CORS_ORIGINS"] = ["https://a.example.com"]\n'
        "CORS(app)\n"
    )
    (p,) = extracted({"app.py": source})
    assert options(p) == {"origins": ("https://a.example.com",)}


@pytest.mark.parametrize(
    ("development", "otherwise"),
    [
        ("if os.getenv('STAGE') == 'development':\n", "else:\n"),
        ("match os.getenv('STAGE'):\n    case 'development':\n", "    case _:\n"),
    ],
    ids=["if-else", "match"],
)
def test_config_in_the_same_arm_counts_and_a_development_arm_alone_is_development_only(
    development: str, otherwise: str
) -> None:
    """The other arm's config never reaches a CORS() call, the arms are one app that never
    runs both, and only the arm for development is development-only."""
    indent = "    " * development.count(":\n")
    source = HEAD + (
        "import os\n"
        "app = Flask(__name__)\n"
        + development
        + f'{indent}app.config["CORS_ORIGINS"] = ["http://localhost:3000"]\n'
        + f"{indent}CORS(app)\n"
        + otherwise
        + f'{indent}app.config["CORS_ORIGINS"] = ["https://a.example.com"]\n'
        + f"{indent}CORS(app)\n"
    )
    dev, prod = extracted({"app.py": source})
    assert options(dev) == {"origins": ("http://localhost:3000",)}
    assert options(prod) == {"origins": ("https://a.example.com",)}
    assert dev.development_only and not prod.development_only
    assert dev.app == prod.app and exclusive_arms(dev.branch, prod.branch)  # one app, never both


def test_unknown_keys_in_an_expanded_dict_are_evidence() -> None:
    source = (
        HEAD
        + 'SETTINGS = {"allow_origins": ["https://a.example.com"]}\napp = Flask(__name__)\nCORS(app, **SETTINGS)\n'
    )
    (p,) = extracted({"app.py": source})
    assert any("did you mean `origins=`" in e.detail for e in p.evidence)


def test_parameters_and_rebound_locals_never_take_a_module_namesake() -> None:
    source = HEAD + (
        'origins = ["https://a.example.com"]\n'
        "def create_app(origins):\n"
        "    app = Flask(__name__)\n"
        "    CORS(app, origins=origins)\n"
        "    return app\n"
    )
    (p,) = extracted({"app.py": source})
    value = p.option("origins")
    assert value is not None and not value.known and "local variable of create_app()" in value.description
    assert value.location.line == 6


def test_from_pyfile_reads_the_file_beside_the_app() -> None:
    files = {
        "settings.cfg": 'CORS_ORIGINS = ["https://a.example.com"]\nSECRET_KEY = "x"\n',
        "app.py": HEAD + 'app = Flask(__name__)\napp.config.from_pyfile("settings.cfg")\nCORS(app)\n',
    }
    (p,) = extracted(files)
    origins = p.option("origins")
    assert origins is not None and origins.plain() == ("https://a.example.com",)
    # the file holds the option: the value stays on its line, with the loading call related
    assert origins.location.path == "settings.cfg" and origins.location.line == 1
    assert origins.related[-1].path == "app.py" and origins.related[-1].line == 4


@pytest.mark.parametrize(
    "code",
    [
        "from flask import request\ndef v():\n    return request.authorization\n",
        'from flask import request\ndef v():\n    return request.headers["Authorization"]\n',
        "from flask_jwt_extended import JWTManager\njwt = JWTManager()\n",
        'from flask_httpauth import HTTPTokenAuth\nauth = HTTPTokenAuth(scheme="Bearer")\n',
    ],
)
def test_bearer_evidence(code: str) -> None:
    (p,) = extracted({"app.py": HEAD + code + "app = Flask(__name__)\nCORS(app)\n"})
    assert any(e.kind == "bearer-auth" for e in p.evidence)


def test_cross_origin_in_method_view_decorators_covers_the_class_routes() -> None:
    source = HEAD + (
        "from flask.views import MethodView\n"
        "app = Flask(__name__)\n"
        "class Item(MethodView):\n"
        '    decorators = [cross_origin(origins=["https://a.example.com"])]\n'
        "    def get(self, item_id): ...\n"
        "    def put(self, item_id): ...\n"
        'app.add_url_rule("/items/<int:item_id>", view_func=Item.as_view("item"))\n'
    )
    (p,) = extracted({"app.py": source})
    assert p.route_level and p.probe_path == "/items/1" and p.label == "@cross_origin on Item.decorators"
    assert p.routes is not None and p.routes[0].methods == ("GET", "PUT", "HEAD")


@pytest.mark.parametrize(
    ("read", "named"),
    [
        ('request.headers["Authorization"]', "the Authorization header"),
        ('request.headers.get("Authorization")', "the Authorization header"),
        ("request.authorization", "request.authorization"),
    ],
)
def test_bearer_evidence_reads_as_what_the_app_uses(in_tmp: Path, read: str, named: str) -> None:
    """CORS204 says "yet the app uses {what}": each kind of evidence is named by a noun."""
    (in_tmp / "app.py").write_text(
        "from flask import Flask, request\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n"
        'CORS(app, origins=["https://app.example.com"], allow_headers=["Content-Type"])\n\n'
        '@app.get("/me")\ndef me():\n'
        f"    return {{'token': {read}}}\n"
    )
    found = [f for f in lint([Path(".")], Settings()).findings if f.rule_id == "CORS204"]
    assert len(found) == 1
    assert f"yet the app uses {named}: every request with a token" in found[0].message


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ('app.config["CORS_HEADERS"] = "Content-Type"\nCORS(app, supports_credentials=True)\n', False),
        ('CORS(app, origin="https://a.example.com", supports_credentials=True)\n', True),
    ],
)
def test_any_origin_names_only_the_typo_that_meant_an_origin(in_tmp: Path, config: str, named: bool) -> None:
    """The default reflects every origin: a misspelt `origin=` is why, `CORS_HEADERS` is not."""
    (in_tmp / "app.py").write_text(HEAD + "\napp = Flask(__name__)\n" + config)
    (found,) = [f for f in lint([Path(".")], Settings()).findings if f.rule_id == "CORS101"]
    assert ("is not a" in found.message) is named
