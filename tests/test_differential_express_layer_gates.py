"""Differential truth for two layers on one Express app (sweep 13 W1, W2, W3, W5) and for a
hand-written middleware module nothing loads (W4), run with the pinned express 5.3.0 and
cors 2.8.6 of tests/node (each fixture's entry module imported as `node <entry>` runs it,
tests/node/entry_app_harness.mjs).

- W1 `refusing_cors_gates_later_cors`: the first cors()'s origin callback refuses unlisted
  origins with an error, so Express skips the second `cors()` for them (500, no CORS
  header): its `*` reaches only the listed depots. CORS302 only, no CORS105
  (extractors/express/layer_gates.py, `origin-gated`).
- W2 `late_cors_on_imported_app_with_own_cors`: the entry's `cors()` comes after the
  imported app's own cors() and every route; what browsers read is the imported layer's.
  CORS105 there only (extractors/express/imported_app_covered.py).
- W3 `handwritten_repeats_cors_star`: the hand-written layer writes again cors()'s `*`: one
  Allow-Origin, `*`, everywhere; cors() ends every preflight. No CORS302
  (rules/express_layers.py).
- W5 `handwritten_star_replaces_reflecting_cors`: the hand-written `*` + credentials replaces
  the reflected origin on every answer with data; only the preflight reflects. No CORS101
  (`origin-replaced-later`).
- W4 `middleware_module_required_in_comment`: the module is required only in a comment; the
  app answers with its cors() origin alone. The module's layer is reported as sending
  nothing (CORS303, blind set 23), and its scheme-less origin still as CORS301; no rule judges
  what it would send (extractors/express/unloaded_route_modules.py `never_loaded_middleware`).
"""

from __future__ import annotations

from typing import Any

from corslint.http import Request
from tests.conftest import FIXTURES, run_lint
from tests.test_differential_express import require_node_package
from tests.test_differential_imported_app_order import entry_answers

EXPRESS = FIXTURES / "express"
EVIL = "https://evil.example"
ASK_PUT = (("access-control-request-method", "PUT"), ("access-control-request-headers", "content-type"))


def _needs_packages() -> None:
    for needed in ("express", "cors"):
        require_node_package(needed)


def _values(real: dict[str, Any], name: str) -> list[str]:
    return [value for key, value in real["headers"] if key.lower() == name]


def _rules(fixture: str) -> list[tuple[str, str, int]]:
    findings = run_lint(EXPRESS / fixture).findings
    return sorted((f.rule_id, f.location.path.rsplit("/", 1)[-1], f.location.line) for f in findings)


def test_a_refusing_first_cors_gates_the_second_cors_star() -> None:
    _needs_packages()
    fixture = "refusing_cors_gates_later_cors"
    depot = "https://depot-north.example.com"
    refused, listed, plain = entry_answers(
        EXPRESS / fixture,
        "server.js",
        [
            Request("GET", EVIL, path="/stock/a1"),
            Request("GET", depot, path="/stock/a1"),
            Request("GET", None, path="/stock/a1"),
        ],
    )
    assert refused["status"] == 500 and not _values(refused, "access-control-allow-origin"), refused
    assert listed["status"] == 200 and _values(listed, "access-control-allow-origin") == ["*"], listed
    assert plain["status"] == 200, plain
    assert _rules(fixture) == [("CORS302", "server.js", 20)]
    message = run_lint(EXPRESS / fixture).findings[0].message
    assert "Access-Control-Allow-Credentials" not in message  # the first layer sends none


def test_a_refusing_first_cors_with_an_unknown_list_still_gates_the_second(monkeypatch: Any) -> None:
    _needs_packages()
    fixture = "refusing_cors_env_list_gates_later_cors"
    desk = "https://desk-a.example"
    monkeypatch.setenv("DESK_ORIGINS", f"{desk},https://desk-b.example")  # read by the harness's node
    refused, listed = entry_answers(
        EXPRESS / fixture,
        "server.js",
        [Request("GET", EVIL, path="/tickets"), Request("GET", desk, path="/tickets")],
    )
    # whatever DESK_ORIGINS holds, an unlisted origin ends in the error handler first
    assert refused["status"] == 500 and not _values(refused, "access-control-allow-origin"), refused
    assert listed["status"] == 200 and _values(listed, "access-control-allow-origin") == ["*"], listed
    assert _rules(fixture) == [("CORS302", "server.js", 7), ("CORS305", "corsOptions.js", 5)]


def test_a_late_cors_on_an_imported_app_with_its_own_cors_reaches_no_route() -> None:
    _needs_packages()
    fixture = "late_cors_on_imported_app_with_own_cors"
    read, preflight, missing = entry_answers(
        EXPRESS / fixture,
        "src/serve.js",
        [
            Request("GET", EVIL, path="/swatches"),
            Request("OPTIONS", EVIL, ASK_PUT, path="/contrast"),
            Request("GET", EVIL, path="/nowhere"),
        ],
    )
    # the imported module's cors() answers the route and the preflight: one `*`
    assert read["status"] == 200 and _values(read, "access-control-allow-origin") == ["*"], read
    assert preflight["status"] == 204 and _values(preflight, "access-control-allow-origin") == ["*"]
    # only a 404 passes both layers
    assert missing["status"] == 404 and _values(missing, "access-control-allow-origin") == ["*"]
    assert _rules(fixture) == [("CORS105", "palette.js", 5)]


def test_handwritten_headers_repeating_the_cors_star_mix_nothing() -> None:
    _needs_packages()
    fixture = "handwritten_repeats_cors_star"
    read, write, preflight = entry_answers(
        EXPRESS / fixture,
        "app.js",
        [
            Request("GET", EVIL, path="/books"),
            Request("POST", EVIL, (("content-type", "application/x-www-form-urlencoded"),), path="/books"),
            Request("OPTIONS", EVIL, ASK_PUT, path="/books"),
        ],
    )
    for answer in (read, write):
        assert _values(answer, "access-control-allow-origin") == ["*"], answer
        assert not _values(answer, "access-control-allow-credentials"), answer
    # cors() ends the preflight: the hand-written Allow-Headers never reaches one
    assert preflight["status"] == 204, preflight
    assert _values(preflight, "access-control-allow-headers") == ["content-type"], preflight
    assert _rules(fixture) == [("CORS105", "app.js", 6), ("CORS105", "app.js", 9)]


def test_a_later_star_replaces_the_reflected_origin_on_every_answer_with_data() -> None:
    _needs_packages()
    fixture = "handwritten_star_replaces_reflecting_cors"
    read, preflight = entry_answers(
        EXPRESS / fixture,
        "index.js",
        [
            Request("GET", EVIL, (("cookie", "sid=1"),), path="/catalog", credentials=True),
            Request("OPTIONS", EVIL, ASK_PUT, path="/catalog/lamp"),
        ],
    )
    assert read["status"] == 200, read
    assert _values(read, "access-control-allow-origin") == ["*"], read  # browsers refuse it with cookies
    assert _values(read, "access-control-allow-credentials") == ["true"], read
    # only the data-less preflight reflects the origin
    assert preflight["status"] == 204 and _values(preflight, "access-control-allow-origin") == [EVIL]
    rules = _rules(fixture)
    assert [rule for rule, _, _ in rules] == ["CORS105", "CORS201", "CORS302"], rules


def test_a_middleware_module_required_only_in_a_comment_sends_nothing() -> None:
    _needs_packages()
    fixture = "middleware_module_required_in_comment"
    (read,) = entry_answers(EXPRESS / fixture, "app.js", [Request("GET", EVIL, path="/screens")])
    assert _values(read, "access-control-allow-origin") == ["https://kiosk.example.org"], read
    assert not _values(read, "access-control-allow-headers"), read
    assert _rules(fixture) == [("CORS301", "allowFrontend.js", 4), ("CORS303", "allowFrontend.js", 3)]


def test_an_exported_middleware_registered_nowhere_sends_nothing() -> None:
    """exported_cors_middleware_registered_nowhere (blind set 23, after tatiankris/
    just-review-back): the old hand-written layer is exported beside a helper the routes use,
    and registered nowhere; only cors()'s headers are sent, so CORS303 alone."""
    _needs_packages()
    fixture = "exported_cors_middleware_registered_nowhere"
    (read,) = entry_answers(EXPRESS / fixture, "src/server.js", [Request("GET", EVIL, path="/api/parcels/7")])
    # cors() with one origin string sends it to everyone; the dead layer's Allow-Headers is absent
    assert _values(read, "access-control-allow-origin") == ["https://dashboard.parcels.example"], read
    assert not _values(read, "access-control-allow-headers"), read
    assert _rules(fixture) == [("CORS303", "http.js", 9)]


def test_a_later_fixed_origin_cors_replaces_the_star_of_the_first() -> None:
    """star_cors_then_fixed_origin_cors (blind set 25, the Express shape of
    decolab-feevale/api-dcolab-v1): cors() then cors({ origin: "<one origin>", credentials }).
    The first ends every preflight with `*`; on every request with data the second writes its
    one origin over the first's `*`, so no page reads an answer with `*`: no CORS105 on the
    first, CORS302 on the second."""
    _needs_packages()
    fixture = "star_cors_then_fixed_origin_cors"
    desk = "https://desk.tickets.example"
    read, posted, preflight = entry_answers(
        EXPRESS / fixture,
        "server.js",
        [
            Request("GET", EVIL, path="/api/tickets"),
            Request("POST", EVIL, path="/api/tickets"),
            Request("OPTIONS", EVIL, ASK_PUT, path="/api/tickets"),
        ],
    )
    for answer in (read, posted):
        assert _values(answer, "access-control-allow-origin") == [desk], answer
        assert _values(answer, "access-control-allow-credentials") == ["true"], answer
    assert preflight["status"] == 204 and _values(preflight, "access-control-allow-origin") == ["*"]
    assert _rules(fixture) == [("CORS302", "server.js", 10)]
