"""The generated documentation (`python -m corslint.docs`): docs/rules/<ID>.md from the rule
modules, and docs/semantics/models.md from the framework models' docstrings."""

from __future__ import annotations

import argparse
import inspect
from pathlib import Path

from corslint.rules.base import Example, Rule

FRAMEWORK_NAMES = {
    "starlette": "FastAPI / Starlette",
    "flask_cors": "Flask-CORS",
    "django": "Django (django-cors-headers)",
    "express": "Express (cors)",
    "corslint": "corslint configuration",
}
LANGUAGES = {
    ".py": "python",
    ".js": "js",
    ".ts": "ts",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
}


def _example_block(example: Example) -> str:
    suffix = Path(example.file_name).suffix
    language = LANGUAGES.get(suffix, "")
    return f"`{example.file_name}` ({FRAMEWORK_NAMES.get(example.framework, example.framework)}):\n\n```{language}\n{example.code.rstrip()}\n```\n"


def rule_markdown(rule: Rule) -> str:
    level = rule.level.value + (", error with credentials" if rule.raised_with_credentials else "")
    lines = [
        f"# {rule.id}: {rule.name}",
        "",
        f"*{rule.summary}.*",
        "",
        f"- Level: {level}",
    ]
    if rule.security_severity is not None:
        lines.append(f"- Security severity: {rule.security_severity:.1f}")
    if rule.cwe:
        lines.append(
            "- CWE: "
            + ", ".join(f"[CWE-{c}](https://cwe.mitre.org/data/definitions/{c}.html)" for c in rule.cwe)
        )
    lines.append(f"- Suppress with: `corslint: ignore[{rule.id}]` on the line or the line above")
    lines += ["", rule.explanation(), ""]
    if rule.bad:
        lines += ["## Flagged examples (tested)", ""]
        lines += [_example_block(example) for example in rule.bad]
    if rule.good:
        lines += ["## Accepted examples (tested)", ""]
        lines += [_example_block(example) for example in rule.good]
    return "\n".join(lines).rstrip() + "\n"


def index_markdown(rules: tuple[Rule, ...]) -> str:
    lines = ["# corslint rules", "", "| id | name | level | summary |", "|---|---|---|---|"]
    for rule in rules:
        lines.append(f"| [{rule.id}]({rule.id}.md) | {rule.name} | {rule.level.value} | {rule.summary} |")
    return "\n".join(lines) + "\n"


def expected_files() -> dict[str, str]:
    from corslint.rules import RULES

    files = {f"{rule.id}.md": rule_markdown(rule) for rule in RULES}
    files["README.md"] = index_markdown(RULES)
    return files


def models_markdown() -> str:
    """One section per modelled library: what its model says the library sends, and the
    names findings give it. The docstrings are the models' own account, kept beside the
    code their differential tests check."""
    from corslint.frameworks import model_modules

    lines = [
        "# What each modelled library sends",
        "",
        "Generated from the docstrings of `corslint/frameworks/` (`python -m corslint.docs`).",
        "Each model is checked against the real library by its differential test where the",
        "library runs; the [pages beside this one](README.md) hold the longer measurements.",
        "",
    ]
    for module in model_modules():
        doc = inspect.cleandoc(module.__doc__ or "").replace("``", "`")
        names = dict.fromkeys(f.display for f in getattr(module, "FRAMEWORKS", None) or (module.FRAMEWORK,))
        lines += [f"## {next(iter(names))}", "", doc, ""]
        lines.append(
            f"Model: `{module.__name__.replace('.', '/')}.py`; findings name it " + "; ".join(names) + "."
        )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    wanted = expected_files()
    for stale in directory.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        (directory / name).write_text(text, "utf-8")


MODELS_PAGE = Path("docs/semantics/models.md")


def main(argv: list[str] | None = None) -> None:
    # argparse, so that `--help` is answered rather than taken for a folder whose stale
    # .md files `write` would delete
    parser = argparse.ArgumentParser(
        prog="python -m corslint.docs",
        description="Regenerate docs/rules/<ID>.md from the rule modules and "
        "docs/semantics/models.md from the framework models.",
    )
    parser.add_argument(
        "directory", nargs="?", type=Path, default=Path("docs/rules"), help="where the rule pages go"
    )
    arguments = parser.parse_args(argv)
    write(arguments.directory)
    MODELS_PAGE.write_text(models_markdown(), "utf-8")


if __name__ == "__main__":
    main()
