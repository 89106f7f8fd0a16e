"""The pipeline's own promises: bad input becomes CORS001, and the prefilter skips parsing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from corslint.extractors import EXTRACTORS
from corslint.runner.run import lint
from corslint.runner.settings import Settings

APP = 'from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"])\n'


def test_bad_files_are_reported_and_the_run_goes_on(in_tmp: Path) -> None:
    (in_tmp / "syntax.py").write_text("from starlette.middleware.cors import CORSMiddleware\nif True\n")
    (in_tmp / "binary.py").write_bytes(b"CORSMiddleware\x00\x01\x02\xff")
    (in_tmp / "latin1.py").write_bytes("# caf\xe9\nCORSMiddleware = 1\n".encode("latin-1"))
    (in_tmp / "app.py").write_text(APP)
    result = lint([in_tmp], Settings())
    by_file = {f.location.path: f for f in result.findings if f.rule_id == "CORS001"}
    assert set(by_file) == {"syntax.py", "binary.py", "latin1.py"}
    assert "invalid Python syntax" in by_file["syntax.py"].message
    assert by_file["syntax.py"].location.line == 2
    assert "binary file" in by_file["binary.py"].message
    assert "not valid UTF-8" in by_file["latin1.py"].message
    assert any(f.rule_id == "CORS105" and f.location.path == "app.py" for f in result.findings)


def test_utf16_with_bom_is_read(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_bytes(APP.encode("utf-16"))
    result = lint([in_tmp], Settings())
    assert [f.rule_id for f in result.findings] == ["CORS105"]


def test_files_without_cors_bytes_are_never_parsed(in_tmp: Path, monkeypatch: object) -> None:
    for index in range(30):
        (in_tmp / f"module{index}.py").write_text(f"def handler_{index}():\n    return {index}\n")
    (in_tmp / "app.py").write_text(APP)
    parsed: list[str] = []
    from corslint.extractors import Extractor

    original = Extractor.load

    def counting_load(self: Extractor):  # type: ignore[no-untyped-def]
        extract = original(self)

        def wrapper(path: str, text: str, context: object):  # type: ignore[no-untyped-def]
            parsed.append(path)
            return extract(path, text, context)  # type: ignore[arg-type]

        return wrapper

    import pytest

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Extractor, "load", counting_load)
        result = lint([in_tmp], Settings())
    assert sorted(set(parsed)) == ["app.py"]
    assert result.stats.files_seen == 31 and result.stats.files_parsed == 1


def test_no_parser_is_imported_for_a_tree_without_cors(in_tmp: Path) -> None:
    (in_tmp / "plain.py").write_text("print('hello')\n")
    (in_tmp / "index.js").write_text("console.log('hello')\n")
    code = (
        "import sys\nfrom pathlib import Path\nfrom corslint.runner.settings import Settings\nfrom corslint.runner.run import lint\n"
        "lint([Path('.')], Settings())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'tree_sitter', 'yaml'}\n"
        "    or m.startswith('corslint.extractors.') and m != 'corslint.extractors.context'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=in_tmp, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_extractor_declares_a_prefilter() -> None:
    for extractor in EXTRACTORS:
        assert extractor.needles and all(isinstance(n, bytes) and n for n in extractor.needles)


def test_a_large_tree_is_read_while_it_is_walked_with_the_same_result(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import corslint.runner.run as run

    for package in range(30):
        folder = in_tmp / f"pkg{package:02d}"
        folder.mkdir()
        for index in range(70):
            (folder / f"m{index}.py").write_text(f"VALUE = {index}\n")
        if package % 7 == 0:
            (folder / "main.py").write_text(APP)
    (in_tmp / "pkg03" / "bad.py").write_text(
        "from starlette.middleware.cors import CORSMiddleware\nif True\n"
    )
    os.mkfifo(in_tmp / "pkg01" / "pipe.py")  # opened, it would block the run forever
    for path in in_tmp.rglob("*"):  # older than the cache's two-second window for racy writes
        os.utime(path, (1_700_000_000, 1_700_000_000))
    (in_tmp / "pkg02" / "recent.py").write_text(APP)  # just written: never trusted to the cache
    streamed: list[int] = []
    original = run._read_streaming

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        streamed.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(run, "_read_streaming", spy)
    idle: list[int] = []  # the rules, imported while the workers still work
    monkeypatch.setattr(run, "_import_rules", lambda: idle.append(1))
    in_process = lint([in_tmp], Settings(), jobs=1)
    assert not streamed
    parallel = lint([in_tmp], Settings(), jobs=2)
    cached = lint([in_tmp], Settings(), jobs=2, cache_dir=in_tmp / ".cache")  # empty: streamed too
    assert len(streamed) == len(idle) == 2
    expected = [(f.rule_id, f.location.path, f.location.line) for f in in_process.findings]
    assert ("CORS001", "pkg03/bad.py", 2) in expected and len(expected) > 5
    for result in (parallel, cached):
        assert [(f.rule_id, f.location.path, f.location.line) for f in result.findings] == expected
        assert result.stats.files_seen == in_process.stats.files_seen == 30 * 70 + 5 + 1 + 1
        assert result.stats.files_parsed == in_process.stats.files_parsed
    # the cache holds every file but the one just written, the fifo left aside
    warm = lint([in_tmp], Settings(), jobs=2, cache_dir=in_tmp / ".cache")
    assert len(streamed) == 2 and warm.stats.files_parsed == 1
    assert warm.stats.files_cached == warm.stats.files_seen - 1
    assert [(f.rule_id, f.location.path, f.location.line) for f in warm.findings] == expected
    (in_tmp / "pkg14" / "main.py").write_text(APP.replace('["*"]', '["https://a.example"]'))
    os.utime(in_tmp / "pkg14" / "main.py", (1_700_000_100, 1_700_000_100))
    changed = lint([in_tmp], Settings(), jobs=2, cache_dir=in_tmp / ".cache")
    assert changed.stats.files_parsed == 2  # the changed file, and the one still too recent
    # the other files' findings come back from their cached outcomes, decoded and judged again
    others = [found for found in expected if found[1] != "pkg14/main.py"]
    assert ("CORS105", "pkg14/main.py", 2) in expected and len(others) > 5
    assert [
        (f.rule_id, f.location.path, f.location.line)
        for f in changed.findings
        if f.location.path != "pkg14/main.py"
    ] == others
    assert ("CORS105", "pkg14/main.py", 2) not in [
        (f.rule_id, f.location.path, f.location.line) for f in changed.findings
    ]


def test_a_rule_that_raises_costs_its_file_a_diagnostic_not_the_run(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from collections.abc import Iterator

    from corslint.findings import Finding
    from corslint.rules.base import PolicyProbe
    from corslint.rules.cors105_any_origin import AnyOrigin

    original = AnyOrigin.check

    def broken(self: AnyOrigin, probe: PolicyProbe) -> Iterator[Finding]:
        if probe.policy.framework == "starlette":
            raise KeyError("boom")
        return original(self, probe)

    monkeypatch.setattr(AnyOrigin, "check", broken)
    (in_tmp / "app.py").write_text(APP.replace('allow_methods=["*"]', 'allow_methods=["*"], max_age=86400'))
    (in_tmp / "other.js").write_text(
        "const cors = require('cors');\napp.use(cors({ origin: 'http://a.example' }));\n"
    )
    result = lint([in_tmp], Settings())
    by_rule = {(f.rule_id, f.location.path): f.message for f in result.findings}
    assert "internal error while judging: KeyError" in by_rule[("CORS001", "app.py")]
    assert "CORS105's findings on this file are missing" in by_rule[("CORS001", "app.py")]
    assert ("CORS103", "other.js") in by_rule  # the other file is judged as ever
    assert ("CORS207", "app.py") in by_rule  # and the other rules on the same file


@pytest.mark.parametrize("isolate", [False, True], ids=["in-process", "in-workers"])
def test_rules_the_run_does_not_select_are_never_run(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, isolate: bool
) -> None:
    """--select/--ignore apply where files are judged (here and in the workers), not only
    to what is reported: a rule left out costs nothing. A left-out rule that raises when
    run would show as CORS001 (selected here to let it through)."""
    from collections.abc import Iterator

    from corslint.findings import Finding
    from corslint.rules.base import PolicyProbe
    from corslint.rules.cors105_any_origin import AnyOrigin

    def broken(self: AnyOrigin, probe: PolicyProbe) -> Iterator[Finding]:
        raise KeyError("run although not selected")

    monkeypatch.setattr(AnyOrigin, "check", broken)
    (in_tmp / "app.py").write_text(APP)
    chosen = Settings(select=("CORS001", "CORS2"))
    result = lint([in_tmp], chosen, isolate=isolate)
    assert result.stats.policies == 1 and result.findings == []
    everything = lint([in_tmp], Settings(select=("CORS001", "CORS105")), isolate=isolate)
    assert [f.rule_id for f in everything.findings] == ["CORS001"]  # the broken rule, when chosen


@pytest.mark.parametrize(
    ("name", "text", "parsed"),
    [
        ("notes.py", "# CORS is configured by the gateway (CORS_ALLOWED_ORIGINS there)\nx = 1\n", False),
        ("inline.py", "x = 1  # CORS_ALLOWED_ORIGINS is set below\n", True),
        ("code.py", "# about CORS\nCORS_ALLOW_ALL_ORIGINS = True\n", True),
        ("notes.js", "// the cors() middleware lives in the gateway\nmodule.exports = {};\n", False),
        ("block.js", "/* cors: see the gateway */\nmodule.exports = {};\n", False),
        ("field.js", "class A {\n  #corsOptions = {};\n}\n", True),  # a private field, not a comment
        ("notes.yaml", "# cors lives in the gateway\nname: api\n", False),
        ("config.yaml", "cors:\n  origin: https://a.example\n", True),
    ],
)
def test_needles_in_comment_lines_do_not_make_a_file_parsed(
    in_tmp: Path, name: str, text: str, parsed: bool
) -> None:
    (in_tmp / name).write_text(text)
    assert lint([in_tmp], Settings()).stats.files_parsed == int(parsed)


def test_a_finding_names_every_variable_it_rests_on(in_tmp: Path) -> None:
    """CORS101 needs the origins *and* the credentials: with both from environment
    defaults, its message says it holds when both are unset; CORS204, which here rests
    on the credentials, names that one."""
    (in_tmp / "main.py").write_text(
        "import os\nfrom fastapi.middleware.cors import CORSMiddleware\n"
        'app.add_middleware(CORSMiddleware, allow_origins=os.getenv("ORIGINS", "*").split(","), '
        'allow_credentials=os.getenv("CREDS", "true") == "true")\n'
    )
    found = {f.rule_id: f.message for f in lint([in_tmp], Settings()).findings}
    assert found["CORS101"].endswith("(when ORIGINS and CREDS are unset)")
    assert found["CORS204"].endswith("every request with a token fails its preflight (when CREDS is unset)")


def test_one_finding_per_rule_and_place_at_its_highest_level() -> None:
    """Two policies sharing a value (an app's layer and its @cross_origin views reading one
    config module) each report it; the place is shown once, at the highest level."""
    from corslint.findings import Finding, Level, Location
    from corslint.runner.kept_findings import one_per_place

    here = Location("settings.py", 8, 5, 8, 30)
    warning = Finding("CORS103", Level.WARNING, "trusts http (layer)", here)
    error = Finding("CORS103", Level.ERROR, "trusts http (views, with credentials)", here)
    other_rule = Finding("CORS104", Level.WARNING, "admits look-alikes", here)
    elsewhere = Finding("CORS103", Level.WARNING, "trusts http", Location("settings.py", 9, 5, 9, 30))
    kept = one_per_place([warning, error, other_rule, elsewhere, error])
    assert sorted(kept, key=lambda f: f.sort_key) == sorted(
        [error, other_rule, elsewhere], key=lambda f: f.sort_key
    )


def test_entries_of_a_list_kept_elsewhere_are_each_reported_at_the_option() -> None:
    """A settings list in another module holds two plain-http entries: both findings stand
    at the option that reads it, and each is its own problem (set 14's FastAPI project
    lost one of two LAN entries); the same entry reported by two layers is still one."""
    from corslint.findings import ENTRY_DEFINED_HERE, Finding, Level, Location, Related
    from corslint.runner.kept_findings import one_per_place

    option = Location("main.py", 28, 34, 28, 46)
    first = Related(Location("config/config.py", 41, 9, 41, 33), ENTRY_DEFINED_HERE)
    second = Related(Location("config/config.py", 43, 9, 43, 37), ENTRY_DEFINED_HERE)
    one = Finding("CORS103", Level.ERROR, "trusts `http://scifi.example`", option, (first,))
    other = Finding("CORS103", Level.ERROR, "trusts `http://192.168.2.21:8080`", option, (second,))
    again = Finding("CORS103", Level.WARNING, "trusts `http://scifi.example` (views)", option, (first,))
    assert sorted(one_per_place([one, other, again]), key=lambda f: f.message) == [other, one]


def test_one_finding_per_place_is_chosen_the_same_whatever_the_order() -> None:
    """Two policies report the same place with the same words, one naming where else the
    header is set: which one a run keeps must not depend on which worker read what first."""
    from itertools import permutations

    from corslint.findings import Finding, Level, Location, Related
    from corslint.runner.kept_findings import one_per_place

    here = Location("handlers/list.js", 6, 7, 6, 41)
    bare = Finding("CORS105", Level.WARNING, "answers any Origin with *", here)
    index = Related(Location("index.js", 12, 11, 12, 45), "`Access-Control-Allow-Origin` is set here")
    router = Related(Location("router.js", 3, 1, 3, 20), "`Access-Control-Allow-Origin` is set here")
    with_index = Finding("CORS105", Level.WARNING, "answers any Origin with *", here, (index,))
    with_router = Finding("CORS105", Level.WARNING, "answers any Origin with *", here, (router,))
    kept = {tuple(one_per_place(list(order))) for order in permutations([bare, with_router, with_index])}
    assert kept == {(with_index,)}


def test_two_layers_identical_findings_are_ordered_by_framework_not_by_hash() -> None:
    """Two layers of one app (a hand-written handler and the helper it calls) report the
    same place with the same words: which one is kept must not follow the set's hash order
    (PYTHONHASHSEED), so the two must never tie."""
    from corslint.findings import Finding, Level, Location
    from corslint.runner.kept_findings import _preference, one_per_place

    here = Location("src/server.js", 4, 3, 4, 30)
    handler = Finding("CORS106", Level.NOTE, "trusts localhost", here, framework="express_headers")
    helper = Finding("CORS106", Level.NOTE, "trusts localhost", here, framework="express_helper_headers")
    assert _preference(handler) != _preference(helper)
    assert one_per_place([helper, handler]) == one_per_place([handler, helper]) == [handler]


def test_a_known_max_age_is_judged_beside_an_unknown_credentials_header(tmp_path: Path) -> None:
    """A Koa factory writes `Access-Control-Max-Age: 86400` and an Allow-Credentials corslint
    cannot read (`options.credentials.toString()`): no preflight answer can be worked out,
    yet the configured Max-Age goes out on every one, so CORS207 judges it (RULES.md: an
    unknown value does not silence the rules about the other options; REGRESS9 cause 8)."""
    from tests.conftest import run_lint

    (tmp_path / "package.json").write_text('{"dependencies": {"koa": "2.15.3"}}')
    (tmp_path / "server.js").write_text(
        "const Koa = require('koa');\n"
        "\n"
        "const app = new Koa();\n"
        "const options = { credentials: process.env.CORS_CREDENTIALS === 'true' };\n"
        "app.use(async (ctx, next) => {\n"
        "  ctx.set({\n"
        "    'Access-Control-Allow-Origin': ctx.get('Origin'),\n"
        "    'Access-Control-Allow-Credentials': options.credentials.toString(),\n"
        "    'Access-Control-Max-Age': '86400',\n"
        "  });\n"
        "  await next();\n"
        "});\n"
    )
    assert "CORS207" in {f.rule_id for f in run_lint(tmp_path).findings}
