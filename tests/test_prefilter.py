"""The prefilter on real repositories' data files (issue 15): a JSON/YAML/TOML file is parsed
only when it can hold CORS options, no finding is lost by it, a data file that does pass
is read for its CORS part alone, and one option's list is bounded."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import corslint.runner.prefilter as prefilter
from corslint.extractors import EXTRACTORS
from corslint.extractors.config_files.byte_screen import may_hold_cors_options
from corslint.extractors.config_files.cors_parts import read_json_cors_parts
from corslint.extractors.config_files.extractor import cors_mappings, extract
from corslint.extractors.config_files.json_extent import ExtentError, end_of_value
from corslint.extractors.config_files.json_reader import _JsonReader, read_json
from corslint.extractors.config_files.list_limit import MAX_LIST_ENTRIES
from corslint.extractors.config_files.toml_reader import read_toml
from corslint.extractors.config_files.yaml_reader import read_yaml
from corslint.extractors.context import ProjectContext
from corslint.model import Provenance, SourceError
from corslint.runner.discovery import Candidate
from corslint.runner.run import lint
from corslint.runner.settings import Settings
from tests.conftest import FIXTURES, ROOT, run_cli

# -- no finding may be lost ---------------------------------------------------------------


def _everything(monkeypatch: pytest.MonkeyPatch, finer: bool) -> tuple[list[Any], list[Any], int]:
    """Every fixture project and example in one run: findings, policies, files parsed."""
    monkeypatch.chdir(ROOT)
    with monkeypatch.context() as patch:
        if not finer:  # the needles alone, as the prefilter screened before issue 15
            patch.setattr(prefilter, "accepted", lambda extractor, name, lowered: True)
            patch.setattr(prefilter, "_by_name", lambda name, interested, needles: (interested, needles))
        result = lint([FIXTURES.relative_to(ROOT), Path("examples")], Settings(cache=False), jobs=1)
    findings = sorted(
        (f.rule_id, f.location.path, f.location.line, f.location.column, f.message) for f in result.findings
    )
    policies = sorted(
        (p.framework, p.location.path, p.location.line, p.location.column, p.label) for p in result.policies
    )
    return findings, policies, result.stats.files_parsed


def test_the_finer_prefilter_loses_no_finding_on_the_fixtures_and_examples(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old_findings, old_policies, old_parsed = _everything(monkeypatch, finer=False)
    new_findings, new_policies, new_parsed = _everything(monkeypatch, finer=True)
    assert len(old_findings) > 100 and len(old_policies) > 100
    assert new_findings == old_findings
    assert new_policies == old_policies
    assert new_parsed < old_parsed  # package.json files and the like are no longer parsed


# -- what a data file must hold to be parsed ---------------------------------------------------

LET_THROUGH = {
    "config.json": '{"server": {"cors": {"origin": "*"}}}',
    "settings.yaml": "server:\n  cors:\n    origin: '*'\n",
    "settings.yml": "? cors\n: {origin: '*'}\n",
    "server.toml": '[server.cors]\norigin = "*"\n',
    "dotted.toml": 'cors.origin = "*"\n',
    "options.json": '{"corsOptions": {"origin": true}}',
    "snake.yaml": "CORS_OPTIONS:\n  origin: x\n",
    "escaped.json": '{"\\u0063ors": {"origin": "*"}}',
    "escaped.yaml": '"\\x63ors": {origin: "*"}\n',
    "cors.json": '{"origin": "*"}',  # named for CORS: as before
    "api-cors.yaml": "# only a comment\norigin: x\n",
    # the package's options without a `cors` key: `origin` beside `credentials`
    "server.json": '{"port": 3000, "allowedOrigins": ["https://a.example"], "credentials": true}',
    "app.yaml": "origin: https://a.example\nmethods: [GET]\n",
    # a `cors` key whose value can be a mapping: an alias, or a block below a comment
    "aliased.yaml": "defaults: &d\n  origin: x\nserver:\n  cors: *d\n",
    "commented.yaml": "cors:   # the API's\n  origin: x\n",
}
LEFT_OUT = {
    # data that mentions an origin: a HAR capture, an OpenAPI spec, a recorded response
    "capture.har.json": '{"log": {"entries": [{"request": {"method": "GET", "headers": '
    '[{"name": "Origin", "value": "https://a.example"}]}}]}}',
    "openapi.json": '{"paths": {"/x": {"get": {"description": "checks the request origin",'
    ' "parameters": [{"name": "origin", "in": "header"}]}}}}',
    "cassette.yaml": "response:\n  headers:\n    Access-Control-Allow-Origin:\n    - '*'\n"
    "    Access-Control-Allow-Methods:\n    - GET\n",
    "fixture.json": '[{"model": "shop.order", "fields": {"origin": "web", "total": 3}}]',
    "messages.json": '{"cors_error": "The server refused this origin", "mode": "cors"}',
    "apigateway.yaml": "x-amazon-apigateway-cors:\n  allowOrigins: ['*']\n",
    "ingress.yaml": "metadata:\n  annotations:\n    nginx.ingress.kubernetes.io/cors-allow-origin: '*'\n",
    "package-lock.json": '{"packages": {"node_modules/cors": {"version": "2.8.5"}}, "dependencies": {"cors": {}}}',
    "tsconfig.app.json": '{"cors": {"origin": "*"}}',
    # `cors` then `.` or `]` is a TOML key only: in YAML and JSON it is a value's text
    "declaration.yaml": "- key: app.cors.origin_allow_all\n  example: '[cors]'\n  origin: any\n",
    "locale.json": '{"blocked": "The origin was refused by CORS.", "modes": ["cors"]}',
    # a `cors` key holding a string, a boolean or a list: never the options (a mapping)
    "environment.json": '{"uuid": "e1", "port": 3000, "cors": true, "routes": [{"origin": "x"}]}',
    "messages.yml": "cors: 'Blocked by CORS'\norigin: the request's origin\n",
    "listed.yaml": "features:\n  cors: [api, admin]\n",
}


@pytest.mark.parametrize("name", sorted(LET_THROUGH))
def test_a_data_file_that_can_hold_cors_options_is_parsed(name: str) -> None:
    assert may_hold_cors_options(name, LET_THROUGH[name].encode().lower())
    assert _screened(name, LET_THROUGH[name])


@pytest.mark.parametrize("name", sorted(LEFT_OUT))
def test_a_data_file_that_only_mentions_an_origin_is_not_parsed(name: str) -> None:
    assert not may_hold_cors_options(name, LEFT_OUT[name].encode().lower())
    assert not _screened(name, LEFT_OUT[name])


def _screened(name: str, text: str) -> bool:
    """Whether the prefilter hands the file to the config-file extractor."""
    return "config_files" in _extractors(name, text)


def test_a_lockfile_is_stamped_but_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lock = tmp_path / "package-lock.json"
    lock.write_text('{"packages": {"node_modules/cors": {"version": "2.8.5", "origin": "x"}}}')
    reads: list[int] = []
    with monkeypatch.context() as patch:
        patch.setattr(prefilter.os, "read", lambda descriptor, size: reads.append(size) or b"")
        size, stamp, outcome = prefilter.screen_file(str(lock), "package-lock.json", True)
    assert (size, outcome, reads) == (lock.stat().st_size, prefilter.EMPTY_OUTCOME, [])
    assert stamp != 0  # the cache keeps it as a file read, unchanged until it changes
    big = prefilter.screen_file(str(lock), "package-lock.json", True, max_bytes=10)[2]
    assert big.skipped is not None and "holds no CORS configuration keyword" in big.skipped


def test_a_recorded_response_is_no_hosting_configuration() -> None:
    """Hosting headers are read from vercel.json, netlify.toml and _headers by name: a HAR
    capture or an OpenAPI spec with Access-Control- headers in it is parsed by nobody."""
    har = '{"log": {"entries": [{"response": {"headers": [{"name": "Access-Control-Allow-Origin", "value": "*"}]}}]}}'
    vercel = '{"headers": [{"source": "/(.*)", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]}]}'
    assert _extractors("capture.json", har) == []
    assert _extractors("vercel.json", vercel) == ["hosting_headers"]


def _extractors(name: str, text: str) -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, "utf-8")
        screened = prefilter.screen(Candidate(path.as_posix(), name))
    return [e.name for e in screened[1]] if isinstance(screened, tuple) else []


def test_every_extractor_that_reads_data_files_by_suffix_has_a_finer_test() -> None:
    """Any JSON/YAML/TOML file may mention an origin or a header: an extractor that reads
    them by suffix says what it needs beyond its needles (or reads them by name)."""
    data = {".json", ".yaml", ".yml", ".toml"}
    finer = [e for e in EXTRACTORS if e.suffixes & data]
    assert finer and all(e.accepts_bytes for e in finer)
    for extractor in finer:
        module, _, function = extractor.accepts_bytes.partition(":")
        assert callable(getattr(importlib.import_module(module), function))


def test_every_needle_holds_a_covering_needle() -> None:
    for extractor in EXTRACTORS:
        for name in [f"x{suffix}" for suffix in extractor.suffixes] + sorted(extractor.filenames):
            _, covers = prefilter._interest(name, EXTRACTORS)
            assert all(any(cover in needle.lower() for cover in covers) for needle in extractor.needles)


def test_a_common_word_does_not_stand_for_two_needles() -> None:
    """`server` would cover both Apollo needles, and pass a sixth of real JS files on to
    the exact needles; a part that is no needle must cover three of them."""
    covers = prefilter.covering_needles((b"cors", b"apollo-server", b"startstandaloneserver"))
    assert b"server" not in covers and set(covers) == {b"cors", b"apollo-server", b"startstandaloneserver"}
    python = (b"corsmiddleware", b"cors_", b"corsheaders", b"flask_cors", b"init_app")
    assert prefilter.covering_needles(python) == (b"cors", b"init_app")
    # a part measured rare in real code may stand for two needles (one pass less)
    assert set(prefilter.covering_needles((b"cors", b"from sanic", b"sanic_ext"))) == {b"cors", b"sanic"}


def test_an_oversized_data_file_that_only_mentions_an_origin_is_a_note_not_cors001(in_tmp: Path) -> None:
    data = '{"entries": [' + ",".join(f'{{"origin": "web", "n": {i}}}' for i in range(200)) + "]}"
    (in_tmp / "export.json").write_text(data)
    (in_tmp / "big.json").write_text('{"cors": {"origin": "*"}, "pad": "' + "x" * 5000 + '"}')
    result = lint([Path(".")], Settings(cache=False, max_file_size=1000), jobs=1)
    assert [(f.rule_id, f.location.path) for f in result.findings] == [("CORS001", "big.json")]
    assert [s.path for s in result.skipped] == ["export.json"]


def test_show_parsed_lists_what_a_parser_would_read(in_tmp: Path) -> None:
    (in_tmp / "server.js").write_text("app.use(require('cors')({ origin: '*' }));\n")
    (in_tmp / "export.json").write_text(LEFT_OUT["fixture.json"])
    (in_tmp / "config.json").write_text(LET_THROUGH["config.json"])
    (in_tmp / "plain.py").write_text("print('hello')\n")
    code, out, _ = run_cli("--show-parsed", ".")
    lines = out.splitlines()
    assert code == 0
    assert [line.split() for line in lines[:-1]] == [
        [f"{len(LET_THROUGH['config.json'])}", ".json", "config_files", "config.json"],
        ["43", ".js", "express", "server.js"],
    ]
    assert lines[-1] == "2 files let through to a parser, 0.0 MB: .js 1 (0.0 MB), .json 1 (0.0 MB)"


# -- a data file that passes is read for its CORS part ------------------------------------------

_KEYS = st.sampled_from(["cors", "CORS", "corsOptions", "cors_options", "origin", "credentials", "data", "a"])
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(["*", "https://a.example"])
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=5)),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(
    document=st.dictionaries(_KEYS, _JSON, max_size=6),
    indent=st.sampled_from([None, 1, 2]),
    escape=st.booleans(),
)
def test_the_cors_part_is_what_a_whole_read_finds(
    document: dict[str, Any], indent: int | None, escape: bool
) -> None:
    text = json.dumps(document, indent=indent)
    if escape:  # a key spelt with an escape is still a `cors` key
        text = text.replace('"cors"', '"\\u0063ors"')
    whole = cors_mappings(read_json("data.json", text), False)
    parts = read_json_cors_parts("data.json", text)
    found = cors_mappings(parts, False) if parts is not None else []
    assert [(m.location, m.raw) for m in found] == [(m.location, m.raw) for m in whole]


def test_what_holds_no_cors_key_is_skipped_not_read() -> None:
    rows = ",\n".join(f'  {{"id": {i}, "origin": "web", "tags": ["a", "b"]}}' for i in range(2000))
    text = '{"rows": [\n' + rows + '\n],\n "meta": {"x": 1},\n "server": {"cors": {"origin": "*"}}}\n'
    value = read_json_cors_parts("export.json", text)
    assert value is not None
    assert value.raw["rows"].raw is None and value.raw["meta"].raw is None  # placeholders
    origin = value.raw["server"].raw["cors"].raw["origin"]
    assert (origin.raw, origin.location.line, origin.location.column) == ("*", 2004, 32)
    assert read_json_cors_parts("export.json", '{"mode": "cors", "origin": "web"}') is None


def test_a_long_cors_part_keeps_the_positions_of_a_whole_read() -> None:
    """Past the first few positions, found by counting lines, the reader lists the lines."""
    document = {"rows": list(range(50)), "cors": {"origin": _origins(200), "credentials": True}}
    text = json.dumps(document, indent=2)
    whole = cors_mappings(read_json("data.json", text), False)[0].raw["origin"].raw
    parts = read_json_cors_parts("data.json", text)
    assert parts is not None
    found = cors_mappings(parts, False)[0].raw["origin"].raw
    assert [(v.raw, v.location) for v in found] == [(v.raw, v.location) for v in whole]


def test_the_extractor_builds_positions_only_for_the_cors_part(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []
    original = _JsonReader.location

    def counted(self: _JsonReader, start: int, end: int) -> Any:
        made.append(start)
        return original(self, start, end)

    monkeypatch.setattr(_JsonReader, "location", counted)
    rows = ",".join(f'{{"id": {i}, "origin": "web"}}' for i in range(3000))
    text = '{"rows": [' + rows + '], "cors": {"origin": "*", "credentials": true}}'
    extraction = extract("mock-env.json", text, ProjectContext())
    assert len(extraction.policies) == 1 and extraction.policies[0].options["credentials"].raw is True
    assert len(made) < 10  # not one per row


def test_a_data_file_with_a_cors_key_must_still_be_json() -> None:
    text = '{"rows": [1, 2,], "cors": {"origin": "*"}}'  # a trailing comma in a skipped part
    with pytest.raises(SourceError):
        read_json("data.json", text)
    with pytest.raises(SourceError):
        read_json_cors_parts("data.json", text)
    assert extract("data.json", text, ProjectContext()).policies == ()


def test_flat_members_before_a_cors_key_are_passed_over_in_one_step() -> None:
    members = ",\n".join(f'  "label_{i}": "Text {i}", "count_{i}": {i}' for i in range(2000))
    text = "{\n" + members + ',\n  "cors": {"origin": "*", "credentials": true},\n  "after": null\n}\n'
    whole = cors_mappings(read_json("i18n.json", text), False)
    parts = read_json_cors_parts("i18n.json", text)
    assert parts is not None and "label_0" not in parts.raw  # no placeholder per member
    found = cors_mappings(parts, False)
    assert [(m.location, m.raw) for m in found] == [(m.location, m.raw) for m in whole] != []


def test_a_cors_word_is_no_reason_to_check_a_whole_file() -> None:
    """A translation's `"cors": "CORS-Fehler"` holds no options: the file yields nothing
    whether or not the rest of it is JSON, so the rest is not checked."""
    text = '{"rows": [1, 2,], "cors": "CORS-Fehler"}'
    parts = read_json_cors_parts("de.json", text)
    assert parts is not None and cors_mappings(parts, False) == []
    assert extract("de.json", text, ProjectContext()).policies == ()


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ('{"a": [1, {"b": "]}"}], "c": null} tail', 0, 34),
        ("x = [1, 2, [3]] ", 4, 15),
        ('"a \\" b", 1', 0, 8),
        ("-1.5e3,", 0, 6),
        ("true]", 0, 4),
    ],
)
def test_the_end_of_a_json_value_is_found_without_reading_it(text: str, start: int, end: int) -> None:
    assert end_of_value(text, start) == end


@pytest.mark.parametrize("text", ["[1, 2", "{'a': 1}", "[1, // no\n 2]", "nope", ""])
def test_what_is_not_json_has_no_end(text: str) -> None:
    with pytest.raises(ExtentError):
        end_of_value(text, 0)


# -- one option's list is bounded -------------------------------------------------------------


def _origins(count: int) -> list[str]:
    return [f"https://a{i}.example.com" for i in range(count)]


def test_a_json_list_past_the_limit_is_undetermined_and_reported(in_tmp: Path) -> None:
    options = {"cors": {"origin": _origins(MAX_LIST_ENTRIES + 1), "credentials": True, "maxAge": 86400 * 30}}
    (in_tmp / "server-config.json").write_text(json.dumps(options, indent=1))
    result = lint([Path(".")], Settings(cache=False), jobs=1)
    by_rule = {f.rule_id: f for f in result.findings}
    assert by_rule["CORS305"].location.line == 3  # the origin option, not silence
    assert f"more than {MAX_LIST_ENTRIES:,} entries" in by_rule["CORS305"].message
    assert "CORS207" in by_rule  # the other options are still judged
    at_limit = read_json("x.json", json.dumps(_origins(MAX_LIST_ENTRIES)))
    assert at_limit.known and len(at_limit.raw) == MAX_LIST_ENTRIES


def test_a_yaml_list_past_the_limit_keeps_no_node_per_entry() -> None:
    entries = "".join(f"    - {origin}\n" for origin in _origins(MAX_LIST_ENTRIES + 5))
    text = f"cors:\n  origin:\n{entries}    - &late https://late.example\n  credentials: true\nother: *late\n"
    value = read_yaml("cors.yaml", text)
    assert value is not None
    origin = value.raw["cors"].raw["origin"]
    assert origin.provenance is Provenance.UNKNOWN and origin.location.line == 3
    assert value.raw["cors"].raw["credentials"].raw is True
    assert not value.raw["other"].known  # an anchor in the entries not kept: not a guess
    short = read_yaml("cors.yaml", "cors:\n  origin:\n    - https://a.example\n")
    assert short is not None and short.raw["cors"].raw["origin"].raw[0].raw == "https://a.example"


def test_a_toml_list_past_the_limit_is_undetermined() -> None:
    text = "[cors]\norigin = [" + ", ".join(f'"{o}"' for o in _origins(MAX_LIST_ENTRIES + 1)) + "]\n"
    origin = read_toml("cors.toml", text).raw["cors"].raw["origin"]
    assert origin.provenance is Provenance.UNKNOWN and re.search(
        r"more than [\d,]+ entries", origin.description
    )


def test_placing_a_data_file_parses_only_the_modules_that_name_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whether JS code loads a data file (then its cors block is judged where the code uses
    it) is decided by parsing only the modules whose bytes name the file's stem, not every
    module of the project; the verdict is the same."""
    from corslint.extractors.config_files.extractor import extract
    from corslint.extractors.context import ProjectContext

    (tmp_path / "package.json").write_text('{"name": "wiki", "dependencies": {"cors": "2.8.5"}}')
    (tmp_path / "app").mkdir()
    data = "cors:\n  origin: true\n  credentials: true\n"
    (tmp_path / "app" / "data.yml").write_text(data)
    (tmp_path / "loader.js").write_text('const fs = require("fs");\nfs.readFileSync("app/data.yml");\n')
    for n in range(5):
        (tmp_path / f"unrelated{n}.js").write_text(f"module.exports = {n};\n")
    monkeypatch.chdir(tmp_path)
    context = ProjectContext()
    used = extract("app/data.yml", data, context)
    parsed = [Path(key).name for key in context.shared["js_project"].modules]  # type: ignore[attr-defined]
    assert parsed == ["loader.js"]
    assert used.policies == ()  # the code reads it: judged where it is used, not here
    (tmp_path / "loader.js").write_text("module.exports = {};\n")
    assert len(extract("app/data.yml", data, ProjectContext()).policies) == 1
