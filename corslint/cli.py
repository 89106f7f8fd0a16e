"""The command line: `corslint [PATHS]` lints; `explain`, `rules` and `simulate` teach."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, overload

import click

from corslint import __version__

SUBCOMMANDS = ("check", "explain", "rules", "simulate")


class DefaultToCheck(click.Group):
    """`corslint src/` means `corslint check src/`, as in ruff's early days."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in {"--help", "-h", "--version"}):
            args = ["check", *args]
        return super().parse_args(ctx, args)


class _RuleIds(Sequence[str]):
    """Every rule id; the rule modules are imported only if a setting names a rule."""

    @staticmethod
    def _ids() -> Sequence[str]:
        from corslint.rules import RULE_IDS

        return RULE_IDS

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._ids()[index]

    def __len__(self) -> int:
        return len(self._ids())

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids())


def _split_ids(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(item.strip().upper() for value in values for item in value.split(",") if item.strip())


def _validate_ids(ids: tuple[str, ...], option: str) -> tuple[str, ...]:
    for item in ids:
        if not any(rule_id.startswith(item) for rule_id in _RuleIds()):
            raise click.UsageError(
                f"{option}: `{item}` is not a corslint rule id or prefix (see `corslint rules`)"
            )
    return ids


def entry() -> None:
    """The `corslint` command. Once the report is out, the process ends without freeing
    the run's objects one by one: on a 100k-file tree that teardown took 50 ms, a tenth
    of a cached run. Output is flushed first; files and the cache are already closed."""
    try:
        main()
    except SystemExit as done:
        code = done.code
        sys.stdout.flush()
        sys.stderr.flush()
        if code is None or isinstance(code, int):
            os._exit(code or 0)
        raise


_LAST_RUN: list[object] = []


@click.group(cls=DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="corslint")
def main() -> None:
    """corslint: find CORS configurations that leak data or break in the browser.

    Run `corslint [PATHS]` to lint (the `check` command), `corslint explain CORS101` to
    learn what a rule means, `corslint simulate PATH --origin O` to see what a browser
    would do.
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif", "github"]),
    default="text",
    show_default=True,
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to FILE."
)
@click.option("--select", multiple=True, help="Rule ids or prefixes to enable (e.g. CORS1,CORS201).")
@click.option("--ignore", multiple=True, help="Rule ids or prefixes to disable.")
@click.option(
    "--fail-level",
    type=click.Choice(["error", "warning", "note"]),
    help="Lowest level that makes the exit code 1 [default: warning].",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path),
    help="Configuration file (pyproject.toml or .corslint.toml).",
)
@click.option("--no-color", is_flag=True, help="Never colour the text output.")
@click.option("--statistics", is_flag=True, help="Count findings per rule.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write .corslint_cache.")
@click.option("--no-respect-gitignore", is_flag=True, help="Read files that .gitignore and .ignore exclude.")
@click.option(
    "--max-file-size",
    type=click.IntRange(min=1),
    help="Larger files (bytes) are not parsed, only searched for CORS keywords [default: 5000000].",
)
def check(
    paths: tuple[Path, ...],
    output_format: str,
    output: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_level: str | None,
    exit_zero: bool,
    config_file: Path | None,
    no_color: bool,
    statistics: bool,
    no_cache: bool,
    no_respect_gitignore: bool,
    max_file_size: int | None,
) -> None:
    """Lint PATHS (default: the current directory)."""
    from corslint.config import ConfigError, Settings, find_config, load
    from corslint.findings import Level
    from corslint.lint import exit_code, lint
    from corslint.report import ReportContext, renderer

    targets = list(paths) or [Path(".")]
    try:
        found = config_file or find_config(targets[0] if targets[0].exists() else Path("."))
        settings = load(found, _RuleIds()) if found is not None else Settings()
    except ConfigError as error:
        raise click.UsageError(str(error)) from None
    settings = settings.with_overrides(
        select=_validate_ids(_split_ids(select), "--select") or None,
        ignore=tuple(settings.ignore) + _validate_ids(_split_ids(ignore), "--ignore"),
        fail_level=Level(fail_level) if fail_level else None,
        respect_gitignore=False if no_respect_gitignore else None,
        max_file_size=max_file_size,
        cache=False if no_cache else None,
    )
    cache_dir = None
    if settings.cache:
        from corslint.cache import default_directory

        cache_dir = default_directory(settings.source)
    result = lint(targets, settings, cache_dir=cache_dir, isolate=True)
    _LAST_RUN[:] = [result]  # freed at exit by entry's os._exit, not as sys.exit unwinds
    stream_is_tty = output is None and sys.stdout.isatty()
    context = ReportContext(result, settings, color=stream_is_tty and not no_color, statistics=statistics)
    report = renderer(output_format)(context)
    if output is not None:
        output.write_text(report, "utf-8")
    else:
        click.echo(report, nl=False)
    for skipped in result.skipped:
        click.echo(f"corslint: skipped {skipped.path}: {skipped.reason}", err=True)
    sys.exit(0 if exit_zero else exit_code(result.findings, settings.fail_level))


@main.command()
@click.argument("rule_id")
def explain(rule_id: str) -> None:
    """Explain RULE_ID (e.g. CORS101): what it finds, why it matters, how to fix it."""
    from corslint.docs import rule_markdown
    from corslint.rules import RULE_IDS, rule_by_id

    wanted = rule_id.strip().upper()
    matches = [r for r in RULE_IDS if r == wanted]
    if not matches:
        by_name = [r for r in RULE_IDS if rule_by_id(r).name == rule_id.strip().lower()]
        if not by_name:
            raise click.UsageError(f"`{rule_id}` is not a corslint rule (see `corslint rules`)")
        matches = by_name
    click.echo(rule_markdown(rule_by_id(matches[0])))


@main.command()
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def rules(output_format: str) -> None:
    """List every rule."""
    from corslint.rules import RULES

    if output_format == "json":
        data: list[dict[str, Any]] = [
            {
                "id": rule.id,
                "name": rule.name,
                "level": rule.level.value,
                "raised_with_credentials": rule.raised_with_credentials,
                "summary": rule.summary,
                "tags": list(rule.tags),
                "cwe": list(rule.cwe),
                "security_severity": rule.security_severity,
            }
            for rule in RULES
        ]
        click.echo(json.dumps(data, indent=2))
        return
    for rule in RULES:
        click.echo(f"{rule.id}  {rule.name:<32} {rule.level.value:<8} {rule.summary}")


@main.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--origin", required=True, help="The page's origin, e.g. https://app.example.com")
@click.option("--method", default="GET", show_default=True)
@click.option("--header", "headers", multiple=True, help="`NAME` or `NAME: VALUE`; repeatable.")
@click.option("--credentials", is_flag=True, help="The page sends cookies (credentials: 'include').")
@click.option("--path", "request_path", default="/", show_default=True, help="The request path.")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def simulate(
    path: Path,
    origin: str,
    method: str,
    headers: tuple[str, ...],
    credentials: bool,
    request_path: str,
    output_format: str,
) -> None:
    """Show what a browser would do with one request, for each CORS configuration under PATH."""
    from corslint.browser import PageRequest
    from corslint.config import Settings
    from corslint.lint import lint
    from corslint.simulate import (
        answers,
        parse_header,
        policy_dict,
        render_text,
        request_dict,
        simulate,
        simulation_dict,
    )

    try:
        parsed = tuple(parse_header(h) for h in headers)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    request = PageRequest(origin, method.upper(), parsed, credentials, request_path)
    result = lint([path], Settings(select=("CORS001",)))
    for finding in result.findings:
        click.echo(f"corslint: {finding.location.path}:{finding.location.line}: {finding.message}", err=True)
    policies = result.policies
    applies = [answers(policy, request.path) for policy in policies]
    elsewhere = [policy for policy, answered in zip(policies, applies, strict=True) if not answered]
    simulations = [simulate(p, request) for p, answered in zip(policies, applies, strict=True) if answered]
    if output_format == "json":
        document = {
            "request": request_dict(request),
            "results": [simulation_dict(s) for s in simulations],
            "not_answering": [policy_dict(policy) for policy in elsewhere],
        }
        click.echo(json.dumps(document, indent=2))
    else:
        click.echo(render_text(request, simulations, elsewhere), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
