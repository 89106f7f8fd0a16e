"""`--fix` / `--diff`: each fix's before/after pair, and the proofs every fix owes.

For each pair in tests/fixtures/fixes (`<rule>-<framework>.before.<ext>` and `.after.<ext>`):
the fix turns before into after; (1) linting after reports neither the fixed finding nor
anything new; (2) a second `--fix` changes nothing; (4) the fixed file still parses, and
`ruff format --check` gives the same verdict as on the original. (3), the real libraries
answering the probe, is in test_fix_library.py."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from corslint.findings import Finding
from corslint.fixes.attach import with_fixes
from tests.conftest import ROOT, run_cli, run_lint

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PAIRS = ROOT / "tests" / "fixtures" / "fixes"
FILE_NAMES = {
    "django": "settings.py",
    "starlette": "main.py",
    "flask_cors": "app.py",
    "express": "server.js",
    "django_headers": "middleware.py",
    "flask_headers": "app.py",
    "starlette_headers": "main.py",
    "tornado_headers": "handlers.py",
    "litestar": "app.py",
    "quart_cors": "app.py",
    "falcon": "app.py",
    "aiohttp_cors": "app.py",
    "aiohttp_headers": "app.py",
    "bottle_headers": "app.py",
    "falcon_headers": "app.py",
    "nextjs_headers": "next.config.js",
    "vercel": "vercel.json",
    "netlify": "netlify.toml",
    "netlify_headers_file": "public/_headers",
}
RUFF = Path(sys.executable).with_name("ruff")
UNSAFE = {"CORS101", "CORS107", "CORS201", "CORS205", "CORS307"}  # fixes that change what is sent
# rules that share a fix with the rule a pair is named for (Litestar's `*` with
# credentials is both CORS101, on simple requests, and CORS201, on preflights)
COMPANIONS = {"CORS201": {"CORS101"}}
# findings a fix reveals rather than makes: aiohttp-cors and Falcon's CORSMiddleware never
# send `Vary: Origin` (neither package writes Vary), which matters only once an origin
# is allowed by name
REVEALED = {"cors301-aiohttp_cors": {"CORS107"}, "cors307-falcon": {"CORS107"}}


def cases() -> list[str]:
    return sorted(p.name.split(".before.")[0] for p in PAIRS.glob("*.before.*"))


def pair(case: str) -> tuple[Path, Path, str]:
    """The before and after files of a case, and the name the file takes in its project."""
    (before,) = PAIRS.glob(f"{case}.before.*")
    suffix = before.name.rsplit(".", 1)[1]
    framework = case.split("-", 1)[1]
    default = "server.js" if suffix == "js" else f"cors.{suffix}"
    return before, PAIRS / f"{case}.after.{suffix}", FILE_NAMES.get(framework, default)


def project(case: str, folder: Path, which: str = "before") -> Path:
    """The case's file in a project of its own; `<case>.project/`, where there is one, holds
    the rest of that project (a Next.js route that answers the preflights, say)."""
    before, after, name = pair(case)
    target = folder / case / name
    rest = PAIRS / f"{case}.project"
    if rest.is_dir():
        shutil.copytree(rest, folder / case, dirs_exist_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(before if which == "before" else after, target)
    return target


def findings_of(path: Path) -> list[Finding]:
    return with_fixes(run_lint(path.parent).findings)


def key(finding: Finding) -> tuple[str, int, str]:
    """A finding's identity across a fix (which may move later columns of its line)."""
    return (finding.rule_id, finding.location.line, finding.location.path.rsplit("/", 1)[-1])


def test_every_rule_with_fixes_has_pairs() -> None:
    assert {case.split("-")[0] for case in cases()} == {
        "cors101",
        "cors107",
        "cors201",
        "cors202",
        "cors203",
        "cors204",
        "cors205",
        "cors207",
        "cors301",
        "cors303",
        "cors304",
        "cors307",
    }
    assert all(pair(case)[1].is_file() for case in cases())


def test_every_rule_with_fixes_says_so_in_its_docs() -> None:
    from corslint.fixes.attach import FIXABLE_RULES
    from corslint.rules import RULES

    documented = {rule.id for rule in RULES if "**Fix:**" in rule.explanation()}
    assert documented >= FIXABLE_RULES


@pytest.mark.parametrize("case", cases())
def test_fix_turns_before_into_after(case: str, in_tmp: Path) -> None:
    target = project(case, in_tmp)
    rule = case.split("-")[0].upper()
    fixable = [f for f in findings_of(target) if f.fix is not None]
    assert fixable and rule in {f.rule_id for f in fixable}
    assert {f.rule_id for f in fixable} <= {rule} | COMPANIONS.get(rule, set())
    own = {f.fix for f in fixable if f.rule_id == rule}
    assert all(f.fix in own for f in fixable if f.rule_id != rule)  # a companion shares the fix
    assert all(f.fix is not None and f.fix.safe is (rule not in UNSAFE) for f in fixable)
    if rule in UNSAFE:  # not applied without --unsafe-fixes
        assert run_cli("check", "--no-cache", "--fix-only", case)[0] == 0
        assert target.read_text("utf-8") == pair(case)[0].read_text("utf-8")
    code, _out, err = run_cli("check", "--no-cache", "--fix-only", "--unsafe-fixes", case)
    assert code == 0, err
    assert target.read_text("utf-8") == pair(case)[1].read_text("utf-8")


@pytest.mark.parametrize("case", cases())
def test_relint_reports_nothing_new(case: str, in_tmp: Path) -> None:
    """Proof (1): the fixed findings are gone, and nothing is reported that was not before."""
    before = findings_of(project(case, in_tmp / "b"))
    after = findings_of(project(case, in_tmp / "a", "after"))
    fixed = {key(f) for f in before if f.fix is not None}
    assert fixed
    assert not [f for f in after if f.fix is not None]
    revealed = REVEALED.get(case, set())
    assert {key(f) for f in after if f.rule_id not in revealed} <= {key(f) for f in before} - fixed


@pytest.mark.parametrize("case", cases())
def test_fix_is_idempotent(case: str, in_tmp: Path) -> None:
    """Proof (2): a second `--fix` changes nothing, and `--diff` then has nothing to show."""
    target = project(case, in_tmp, "after")
    text = target.read_bytes()
    assert run_cli("check", "--no-cache", "--fix-only", "--unsafe-fixes", case)[0] == 0
    assert target.read_bytes() == text
    code, out, _err = run_cli("check", "--no-cache", "--diff", "--unsafe-fixes", case)
    assert (code, out) == (0, "")


def _parses(path: Path) -> None:
    text = path.read_text("utf-8")
    if path.suffix == ".py":
        ast.parse(text)
    elif path.suffix == ".json":
        json.loads(text)
    elif path.suffix == ".yaml":
        yaml.safe_load(text)
    elif path.suffix == ".toml":
        tomllib.loads(text)
    elif path.suffix == "._headers":  # Netlify's: a path, then indented `Name: value` lines
        assert all(line.startswith("/") or ": " in line for line in text.splitlines() if line.strip())
    else:
        from corslint.extractors.js.module import parse

        parse(path.name, text)  # raises SourceError on a syntax error


def _ruff_format_verdict(path: Path) -> int:
    return subprocess.run(
        [str(RUFF), "format", "--check", "--isolated", str(path)], capture_output=True, check=False
    ).returncode


@pytest.mark.parametrize("case", cases())
def test_fixed_file_still_parses_and_keeps_its_format_verdict(case: str, tmp_path: Path) -> None:
    """Proof (4)."""
    before, after, _name = pair(case)
    _parses(before)
    _parses(after)
    if after.suffix == ".py":
        assert _ruff_format_verdict(after) == _ruff_format_verdict(before)
