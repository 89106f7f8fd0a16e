"""The tree-sitter based JS/TS reader and its value resolver."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from corslint.extractors.config_files.json_reader import read_json
from corslint.extractors.config_files.toml_reader import read_toml
from corslint.extractors.config_files.yaml_reader import read_yaml
from corslint.extractors.js.module import JsModule, parse
from corslint.extractors.js.project import JsProject, exported_value
from corslint.extractors.js.syntax import walk
from corslint.model import FunctionValue, Provenance, Regex, SourceError, Value


def module(text: str, name: str = "server.js") -> JsModule:
    return parse(name, text)


def resolved(text: str, expression: str, name: str = "server.js") -> Value:
    """The value of `expression` appended as `const __probe = <expression>;`."""
    source = f"{text}\nconst __probe = {expression};\n"
    parsed = module(source, name)
    node = parsed.binding("__probe")
    assert node is not None
    return parsed.resolve(node)


def plain(value: Value) -> Any:
    return value.plain()


@pytest.mark.parametrize(
    ("text", "expression", "expected"),
    [
        ("", "'a' + 'b'", "ab"),
        ("const host = 'example.com';", "`https://${host}`", "https://example.com"),
        ("", "[1, 2, ...[3]]", (1, 2, 3)),
        (
            "const A = ['https://a.example'];",
            "[...A, 'https://b.example']",
            ("https://a.example", "https://b.example"),
        ),
        ("const base = { methods: 'GET' };", "{ ...base, origin: true }", {"methods": "GET", "origin": True}),
        ("", "'a, b ,c'.split(',').map((s) => s.trim())", ("a", "b", "c")),
        ("", "'a,,b'.split(',').filter(Boolean)", ("a", "b")),
        ("", "60 * 60 * 24", 86400),
        ("", "new RegExp('^https://a\\\\.example$', 'i')", Regex("^https://a\\.example$", "i")),
        ("", "/^https:\\/\\/x\\.example$/g", Regex("^https:\\/\\/x\\.example$", "g")),
        ("", "new Set(['a', 'b'])", ("a", "b")),
        ("", "undefined", None),
        ("", "Number('600')", 600),
        ("let a = 'x'; function f() { a = 'y'; }", "a", None),  # reassigned elsewhere: unknown (below)
    ],
)
def test_resolver_folds_constants(text: str, expression: str, expected: Any) -> None:
    value = resolved(text, expression)
    if expression == "a":
        assert not value.known
        return
    assert plain(value) == expected


def test_let_reassigned_by_decided_statements_is_settled() -> None:
    """`let` reassigned by plain statements, or under a test the deployment decides, before
    the use in the same scope (js.settled_lets); an undecided test leaves it unknown."""
    assert plain(resolved("let a = 'x'; a = 'y';", "a")) == "y"
    staged = "let a = 'x'; if (process.env.NODE_ENV === 'development') { a = 'y'; }"
    assert plain(resolved(staged, "a")) == "x"
    assert not resolved("let a = 'x'; if (Math.random() > 0.5) { a = 'y'; }", "a").known


def test_typescript_wrappers_are_transparent() -> None:
    value = resolved("const o = { origin: ['https://a.example'] } as const;", "o satisfies object", "a.ts")
    assert plain(value) == {"origin": ("https://a.example",)}


def test_environment_default_is_judged_and_named() -> None:
    value = resolved("", "process.env.CORS_ORIGIN || '*'")
    assert value.raw == "*"
    assert value.provenance is Provenance.ENV_DEFAULT
    assert value.condition == "when CORS_ORIGIN is unset"
    split = resolved("", "process.env.ORIGINS?.split(',') ?? ['https://a.example']")
    assert plain(split) == ("https://a.example",)
    assert split.env_var == "ORIGINS"
    bare = resolved("", "process.env.ORIGINS")
    assert not bare.known and bare.env_var == "ORIGINS"


def test_names_are_reported_where_used_with_the_definition_related() -> None:
    parsed = module("const ORIGIN = 'https://a.example';\nconst o = { origin: ORIGIN };\n")
    node = parsed.binding("o")
    value = parsed.resolve(node).raw["origin"]
    assert value.location.line == 2
    assert value.related[0].line == 1
    assert value.provenance is Provenance.CONSTANT


def test_property_assignment_before_use() -> None:
    text = "const o = { origin: 'a' };\no.credentials = true;\nuse(o);\no.origin = 'late';\n"
    parsed = module(text)
    use = [n for n in walk(parsed.root) if n.type == "identifier" and parsed.text(n) == "o"][-2]
    value = parsed.resolve(use)
    assert plain(value) == {"origin": "a", "credentials": True}


def test_functions_are_unknown_function_values() -> None:
    value = resolved("", "(origin, cb) => cb(null, true)")
    assert isinstance(value.raw, FunctionValue) and value.raw.kind == "unknown"


def test_syntax_error_is_a_source_error() -> None:
    with pytest.raises(SourceError) as raised:
        parse("broken.js", "const a = [1, 2;\n")
    assert raised.value.line == 1


def test_tagged_templates_may_hold_any_escape() -> None:
    # ES2018: `\u` without hex digits is legal in a tagged template (swagger-ui's bundle
    # has one), though tree-sitter's grammar reads it as an error; an untagged one is not
    parsed = module("const rtf = tag()`{\\rtf1\\uc1`;\nconst origin = 'https://a.example';\n")
    assert parsed.binding("origin") is not None
    with pytest.raises(SourceError):
        parse("untagged.js", "const rtf = `{\\rtf1\\uc1`;\n")


def test_columns_count_characters_not_bytes() -> None:
    parsed = module("const é = 'ü'; const x = 'https://a.example';\n")
    node = parsed.binding("x")
    assert parsed.location(node).column == len("const é = 'ü'; const x = ") + 1


def test_imports_of_json_yaml_and_js_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cors.json").write_text('{\n  "origin": ["https://a.example"]\n}\n')
    (tmp_path / "cors.yaml").write_text("origin:\n  - https://b.example\n")
    (tmp_path / "opts.js").write_text("module.exports = { origin: 'https://c.example' };\n")
    (tmp_path / "esm.mjs").write_text("export const corsOptions = { origin: 'https://d.example' };\n")
    text = (
        "const a = require('./cors.json');\n"
        "import b from './cors.yaml';\n"
        "const c = require('./opts');\n"
        "import { corsOptions as d } from './esm.mjs';\n"
    )
    project = JsProject()
    parsed = project.module("server.js", text, tmp_path / "server.js")
    for name, expected, path, line in (
        ("a", ("https://a.example",), "cors.json", 2),
        ("b", ("https://b.example",), "cors.yaml", 2),
        ("c", "https://c.example", "opts.js", 1),
        ("d", "https://d.example", "esm.mjs", 1),
    ):
        use = next(n for n in walk(parsed.root) if n.type == "identifier" and parsed.text(n) == name)
        value = parsed.resolve(use).plain()["origin"]
        assert value == expected
        whole = parsed.resolve(use)
        # JS modules: the options are reported where they are used, the definition related
        assert whole.location.path == ("server.js" if path.endswith("js") else path), name
        origin = whole.raw["origin"]
        assert origin.location.path == path, name
        assert origin.location.line == line, name


def test_exported_value_forms() -> None:
    parsed = module("exports.corsOptions = { origin: true };\n")
    value = exported_value(parsed, "corsOptions")
    assert value is not None and value.plain() == {"origin": True}
    parsed = module("const o = { origin: 'x' };\nexport default o;\n", "a.mjs")
    value = exported_value(parsed, "default")
    assert value is not None and value.plain() == {"origin": "x"}


def test_json_reader_keeps_positions_and_values() -> None:
    value = read_json("c.json", '{\n  "cors": {"origin": ["https://a", 1.5e2, null, true]}\n}')
    origin = value.raw["cors"].raw["origin"]
    assert origin.plain() == ("https://a", 150.0, None, True)
    assert origin.raw[1].location.line == 2
    assert origin.raw[1].location.column == 36
    with pytest.raises(SourceError):
        read_json("bad.json", '{"a": [1,]}')


def test_yaml_reader_is_safe_and_bounded() -> None:
    value = read_yaml("c.yaml", "cors:\n  origin: [a, b]\n  maxAge: 600\n")
    assert value is not None
    assert value.raw["cors"].raw["maxAge"].location.line == 3
    with pytest.raises(SourceError):
        read_yaml("evil.yaml", "a: !!python/object/apply:os.system ['true']\n")
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(6)
    )
    with pytest.raises(SourceError, match="alias"):
        read_yaml("bomb.yaml", bomb)


def test_toml_reader_finds_lines() -> None:
    value = read_toml(
        "c.toml", "[server]\nport = 1\n\n[server.cors]\norigin = ['https://a']\ncredentials = true\n"
    )
    cors = value.raw["server"].raw["cors"]
    assert cors.raw["credentials"].location.line == 6


def test_tree_sitter_is_not_loaded_for_python_only_trees(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("from fastapi import FastAPI\napp = FastAPI()\n")
    code = (
        "import sys\nfrom pathlib import Path\nfrom corslint.runner.settings import Settings\nfrom corslint.runner.run import lint\n"
        f"lint([Path({str(tmp_path)!r})], Settings())\n"
        "print('tree_sitter' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "page.tsx",
            "const origin: string = 'https://a.example';\nexport const App = () => <div data-origin={origin} />;\nconst __probe = origin;\n",
        ),
        ("server.cts", "import cors = require('cors');\nconst __probe: string = 'https://a.example';\n"),
        (
            "view.jsx",
            "const origin = 'https://a.example';\nconst el = <p>{origin}</p>;\nconst __probe = origin;\n",
        ),
        ("esm.mts", "export const __probe = 'https://a.example' satisfies string;\n"),
    ],
)
def test_every_supported_flavour_parses(name: str, text: str) -> None:
    parsed = parse(name, text)
    node = parsed.binding("__probe")
    assert node is not None
    assert parsed.resolve(node).plain() == "https://a.example"


@pytest.mark.parametrize(
    ("text", "expression", "expected"),
    [
        ("", "['a', 'b'].includes('b')", True),
        ("", "['a', 'b'].indexOf('c')", -1),
        ("const L = ['x', 'y'];", "L[1]", "y"),
        ("const { cors } = { cors: { origin: true } };", "cors", {"origin": True}),
        ("const s = { h: { port: 1 } };\nconst { port: p } = s.h;", "p", 1),
        ("", "true ? 'a' : 'b'", "a"),
    ],
)
def test_resolver_folds_more_of_what_cors_code_writes(text: str, expression: str, expected: Any) -> None:
    assert plain(resolved(text, expression)) == expected


@pytest.mark.parametrize(
    "expression",
    [
        "options.allowOrigin || ['*']",
        "typeof options.allowOrigin === 'string' ? [options.allowOrigin] : options.allowOrigin ?? ['*']",
    ],
)
def test_a_default_over_a_value_read_elsewhere_is_judged(expression: str) -> None:
    value = resolved("function f(options) {}\nconst options = make();", expression)
    assert plain(value) == ("*",)
    assert value.provenance is Provenance.ENV_DEFAULT
    assert value.env_var == "options.allowOrigin"


def test_a_parameter_default_is_the_value_when_no_argument_is_passed() -> None:
    parsed = module("function allow(res, origin = '*') {\n  res.setHeader('X', origin);\n}\n")
    use = [n for n in walk(parsed.root) if n.type == "identifier" and parsed.text(n) == "origin"][-1]
    value = parsed.resolve(use)
    assert (value.raw, value.provenance, value.env_var) == (
        "*",
        Provenance.ENV_DEFAULT,
        "the `origin` argument",
    )


def test_type_syntax_the_grammars_do_not_know_is_tolerated() -> None:
    flow = module("// @flow\ntype T = { a: number, b: string };\nconst x: T = { a: 1, b: 'c' };\n")
    assert flow.binding("x") is not None  # read with the TypeScript grammar
    parsed = module("export type * from './shapes';\nexport const y = 2;\n", "types.ts")
    assert parsed.binding("y") is not None
    with pytest.raises(SourceError):
        module("const = ;\n")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("const v = process.env.NODE_ENV === 'production' ? 'https://a.example' : '*';", "https://a.example"),
        ("const v = process.env.NODE_ENV !== 'production' ? '*' : 'https://a.example';", "https://a.example"),
        (
            "const p = process.env.NODE_ENV === 'production';\nconst v = p ? 'https://a.example' : '*';",
            "https://a.example",
        ),
        (
            "const { NODE_ENV } = process.env;\nconst v = NODE_ENV === 'development' ? '*' : 'https://a.example';",
            "https://a.example",
        ),
        ("const v = process.env.NODE_ENV === 'staging' ? 'https://a.example' : '*';", None),
    ],
)
def test_node_env_ternaries_are_judged_as_deployed(source: str, expected: str | None) -> None:
    module = parse("config.js", source + "\nmodule.exports = v;\n")
    value = module.resolve(module.binding("v"))
    assert (value.raw if value.known else None) == expected
