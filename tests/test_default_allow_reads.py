"""The framework's own OPTIONS answer read back into Allow-Methods: Falcon's default
responder (`resp.get_header("Allow")`) and Flask's `make_default_options_response()` in a
decorator. Known where every route involved has the same methods (the fixtures
python_headers/falcon_middleware_copies_default_allow and
flask_crossdomain_required_options_default_allow, checked on the real frameworks);
otherwise the value differs from route to route and stays unknown."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_lint


def findings(files: dict[str, str]) -> list[tuple[str, int, str]]:
    for name, text in files.items():
        Path(name).write_text(text, "utf-8")
    result = run_lint(Path("."))
    return sorted((f.location.path, f.location.line, f.rule_id) for f in result.findings)


FALCON_LAYER = (
    "import falcon\n"
    "class Cors:\n"
    "    def process_response(self, req, resp, resource, req_succeeded):\n"
    '        resp.set_header("Access-Control-Allow-Origin", "*")\n'
    '        if req.method == "OPTIONS":\n'
    '            resp.set_header("Access-Control-Allow-Methods", resp.get_header("Allow"))\n'
    '            resp.set_header("Access-Control-Allow-Headers", "Content-Type")\n'
    "class Reports:\n"
    "    def on_get(self, req, resp):\n"
    "        resp.media = []\n"
)


def test_falcon_resources_with_different_responders(in_tmp: Path) -> None:
    source = (
        FALCON_LAYER + "class Uploads:\n"
        "    def on_put(self, req, resp):\n"
        "        resp.media = {}\n"
        "app = falcon.App(middleware=[Cors()])\n"
        'app.add_route("/reports", Reports())\n'
        'app.add_route("/uploads", Uploads())\n'
    )
    found = findings({"requirements.txt": "falcon\n", "app.py": source})
    assert ("app.py", 6, "CORS305") in found


def test_falcon_resources_with_the_same_responders(in_tmp: Path) -> None:
    source = FALCON_LAYER + 'app = falcon.App(middleware=[Cors()])\napp.add_route("/reports", Reports())\n'
    assert findings({"requirements.txt": "falcon\n", "app.py": source}) == [("app.py", 4, "CORS105")]


def test_flask_decorator_on_views_with_different_methods(in_tmp: Path) -> None:
    source = (
        "from functools import wraps\n"
        "from flask import Flask, current_app, make_response, request\n"
        "app = Flask(__name__)\n"
        "def cors(f):\n"
        "    @wraps(f)\n"
        "    def wrapper(*args, **kwargs):\n"
        "        default = current_app.make_default_options_response()\n"
        '        resp = default if request.method == "OPTIONS" else make_response(f(*args, **kwargs))\n'
        '        resp.headers["Access-Control-Allow-Origin"] = "*"\n'
        '        resp.headers["Access-Control-Allow-Methods"] = default.headers["allow"]\n'
        '        resp.headers["Access-Control-Allow-Headers"] = "Content-Type"\n'
        "        return resp\n"
        "    wrapper.provide_automatic_options = False\n"
        '    wrapper.required_methods = ["OPTIONS"]\n'
        "    return wrapper\n"
        '@app.route("/a")\n'
        "@cors\n"
        "def a():\n"
        '    return "a"\n'
        '@app.route("/b", methods=["POST"])\n'
        "@cors\n"
        "def b():\n"
        '    return "b"\n'
    )
    found = findings({"requirements.txt": "flask\n", "app.py": source})
    assert ("app.py", 10, "CORS305") in found
    assert not any(rule == "CORS206" for _, _, rule in found)  # the wrapper answers OPTIONS
