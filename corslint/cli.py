"""The command line, on click: `corslint [check] [PATHS]` lints; `explain`, `rules` and
`simulate` teach.

Importing this module imports click and corslint/__init__, nothing else: each command
imports what it needs when it runs, so that `corslint --version` stays fast."""

from __future__ import annotations

import gc
import inspect
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, overload

import click

from corslint import __version__

PROGRAM = "corslint"
REPORT_FORMATS = ("text", "json", "sarif", "github")
LEVELS = ("error", "warning", "note")


class DefaultToCheck(click.Group):
    """`corslint src/` means `corslint check src/`, as in ruff's early days: a first word
    that names no command (nor is the program's own -h, --help or --version) starts `check`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in {"-h", "--help", "--version"}):
            args = ["check", *args]
        return super().parse_args(ctx, args)


class CommandError(click.ClickException):
    """A command that cannot run as asked for a reason outside its command line (an
    invalid configuration file, a report that cannot be written): exit code 2, as ruff
    exits on an invalid configuration."""

    exit_code = 2


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


def _split_ids(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(item.strip().upper() for value in values for item in value.split(",") if item.strip())


def _validate_ids(ids: tuple[str, ...], option: str) -> tuple[str, ...]:
    for item in ids:
        if not any(rule_id.startswith(item) for rule_id in _RuleIds()):
            from corslint.runner.settings import closest_rule_id

            hint = closest_rule_id(item, _RuleIds())
            advice = f"did you mean `{hint}`?" if hint else "see `corslint rules`"
            raise click.UsageError(f"{option}: `{item}` is not a corslint rule id or prefix ({advice})")
    return ids


def entry() -> None:
    """The `corslint` command. Once the report is out, the process ends without freeing
    the run's objects one by one: on a 100k-file tree that teardown took 50 ms, a tenth
    of a cached run. Output is flushed first; files and the cache are already closed.

    The cyclic garbage collector is off for the whole command: `lint` turns it off while
    it runs, and turned back on, its first collection walks every object the run made
    (9-10 ms at 30k files) in a process that is about to end."""
    gc.disable()
    code: int | str | None
    try:
        code = main()
    except SystemExit as done:
        code = done.code
    sys.stdout.flush()
    sys.stderr.flush()
    if code is None or isinstance(code, int):
        os._exit(code or 0)
    sys.exit(code)


_LAST_RUN: list[object] = []


def main(argv: Sequence[str] | None = None) -> int:
    """Run `corslint ARGV` (default: this process's arguments) and return its exit code:
    0 clean (and for help and --version), 1 findings, 2 a usage or configuration error."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        code = program.main(arguments, prog_name=PROGRAM, standalone_mode=False)
    except click.ClickException as error:
        return _report_error(error)
    except click.Abort:
        sys.stderr.write("Aborted!\n")
        return 1
    return code if isinstance(code, int) else 0


def _report_error(error: click.ClickException) -> int:
    """As ruff reports one: `error: ...`; for a mistake in the command line, the
    command's usage and where to find its help follow."""
    lines = [f"error: {line}" for line in error.format_message().splitlines() or [""]]
    if isinstance(error, click.UsageError) and error.ctx is not None:
        context = error.ctx
        lines += ["", context.get_usage(), "", f"For more information, try '{context.command_path} --help'."]
    sys.stderr.write("\n".join(lines) + "\n")
    return error.exit_code


@click.group(
    cls=DefaultToCheck,
    context_settings={"help_option_names": ["-h", "--help"]},
    subcommand_metavar="[COMMAND] [ARGS]...",
    epilog="`corslint COMMAND -h` describes a command's options.",
)
@click.version_option(__version__, "--version", prog_name=PROGRAM)
def program() -> None:
    """corslint: find CORS configurations that leak data or break in the browser.

    Run `corslint [PATHS]` to lint (the `check` command), `corslint explain CORS101` to
    learn what a rule means, `corslint simulate PATH --origin O` to see what a browser
    would do.
    """


def _command(short_help: str) -> Callable[[Callable[..., int]], click.Command]:
    """A command of the program, described by its docstring's first paragraph (the rest
    is for readers of the code); `short_help` is its line in `corslint -h`."""

    def register(function: Callable[..., int]) -> click.Command:
        description = (inspect.getdoc(function) or "").split("\n\n")[0]
        return program.command(help=description, short_help=short_help)(function)

    return register


@_command("Lint PATHS (default: the current directory); the default command.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format", "output_format", type=click.Choice(REPORT_FORMATS), default="text", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write the report to FILE.",
)
@click.option(
    "--select",
    multiple=True,
    metavar="IDS",
    help="Rule ids or prefixes to enable (e.g. CORS1,CORS201). corslint's own diagnostics "
    "(CORS001, CORS002) stay on unless ignored.",
)
@click.option("--ignore", multiple=True, metavar="IDS", help="Rule ids or prefixes to disable.")
@click.option(
    "--fail-level",
    type=click.Choice(LEVELS),
    help="Lowest level that makes the exit code 1 [default: warning].",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Configuration file (pyproject.toml or .corslint.toml).",
)
@click.option("--no-color", is_flag=True, help="Never colour the text output.")
@click.option("--statistics", is_flag=True, help="Count findings per rule.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write .corslint_cache.")
@click.option("--no-respect-gitignore", is_flag=True, help="Read files that .gitignore and .ignore exclude.")
@click.option(
    "--force-exclude",
    is_flag=True,
    help="Apply `exclude` to paths named on the command line too (for pre-commit, which names each file).",
)
@click.option(
    "--max-file-size",
    type=click.IntRange(min=1),
    metavar="BYTES",
    help="Files larger than BYTES (default 5000000) are not parsed, only searched for CORS keywords.",
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
    force_exclude: bool,
    max_file_size: int | None,
) -> int:
    """Lint PATHS (default: the current directory)."""
    from corslint.engine import exit_code
    from corslint.findings import Level
    from corslint.report import ReportContext, renderer
    from corslint.runner.run import lint
    from corslint.runner.settings import ConfigError, Settings, find_config, load

    targets = list(paths) or [Path(".")]
    try:
        found = config_file or find_config(targets[0] if targets[0].exists() else Path("."))
        settings = load(found, _RuleIds()) if found is not None else Settings()
    except ConfigError as error:
        raise CommandError(str(error)) from None
    settings = settings.with_overrides(
        select=_validate_ids(_split_ids(select), "--select") or None,
        ignore=tuple(settings.ignore) + _validate_ids(_split_ids(ignore), "--ignore"),
        fail_level=Level(fail_level) if fail_level else None,
        respect_gitignore=False if no_respect_gitignore else None,
        force_exclude=True if force_exclude else None,
        max_file_size=max_file_size,
        cache=False if no_cache else None,
    )
    cache_dir = None
    if settings.cache:
        from corslint.runner.cache import default_directory

        cache_dir = default_directory(settings.source)
    result = lint(targets, settings, cache_dir=cache_dir, isolate=True)
    _LAST_RUN[:] = [result]  # freed at exit by entry's os._exit, not as main returns
    stream_is_tty = output is None and sys.stdout.isatty()
    context = ReportContext(result, settings, color=stream_is_tty and not no_color, statistics=statistics)
    report = renderer(output_format)(context)
    if output is not None:
        try:  # into a folder made for it if need be, as ruff does (`--output reports/x.sarif`)
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(report, "utf-8")
        except OSError as error:
            raise CommandError(f"cannot write the report to {output}: {error.strerror or error}") from None
    else:
        sys.stdout.write(report)
    sys.stderr.write("".join(f"corslint: skipped {s.path}: {s.reason}\n" for s in result.skipped))
    return 0 if exit_zero else exit_code(result.findings, settings.fail_level)


@_command("Explain a rule: what it finds, why it matters, how to fix it.")
@click.argument("rule_id", metavar="RULE_ID")  # an id (CORS101) or a name (credentialed-any-origin)
def explain(rule_id: str) -> int:
    """Explain RULE_ID (e.g. CORS101): what it finds, why it matters, how to fix it."""
    from corslint.docs import rule_markdown
    from corslint.rules import RULE_IDS, rule_by_id

    wanted = rule_id.strip().upper()
    matches = [r for r in RULE_IDS if r == wanted]
    if not matches:
        by_name = [r for r in RULE_IDS if rule_by_id(r).name == rule_id.strip().lower()]
        if not by_name:
            import difflib

            names = [rule_by_id(r).name for r in RULE_IDS]
            close = difflib.get_close_matches(wanted, RULE_IDS, n=1) or difflib.get_close_matches(
                rule_id.strip().lower(), names, n=1
            )
            advice = f"did you mean `{close[0]}`?" if close else "see `corslint rules`"
            raise click.UsageError(f"`{rule_id}` is not a corslint rule ({advice})")
        matches = by_name
    sys.stdout.write(rule_markdown(rule_by_id(matches[0])) + "\n")
    return 0


@_command("List every rule.")
@click.option(
    "--format", "output_format", type=click.Choice(("text", "json")), default="text", show_default=True
)
def rules(output_format: str) -> int:
    """List every rule."""
    import json

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
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        sys.stdout.writelines(
            f"{rule.id}  {rule.name:<32} {rule.level.value:<8} {rule.summary}\n" for rule in RULES
        )
    return 0


@_command("Show what a browser would do with one request, per CORS configuration.")
@click.argument("path", type=click.Path(exists=True, path_type=Path), metavar="PATH")
@click.option(
    "--origin", required=True, metavar="ORIGIN", help="The page's origin, e.g. https://app.example.com"
)
@click.option("--method", default="GET", show_default=True, metavar="METHOD")
@click.option(
    "--header", "headers", multiple=True, metavar="HEADER", help="`NAME` or `NAME: VALUE`; repeatable."
)
@click.option("--credentials", is_flag=True, help="The page sends cookies (credentials: 'include').")
@click.option(
    "--path", "request_path", default="/", show_default=True, metavar="URL_PATH", help="The request path."
)
@click.option(
    "--format", "output_format", type=click.Choice(("text", "json")), default="text", show_default=True
)
def simulate(
    path: Path,
    origin: str,
    method: str,
    headers: tuple[str, ...],
    credentials: bool,
    request_path: str,
    output_format: str,
) -> int:
    """Show what a browser would do with one request, for each CORS configuration under PATH."""
    import json

    from corslint.browser import PageRequest
    from corslint.runner.run import lint
    from corslint.runner.settings import Settings
    from corslint.simulate import (
        answers,
        parse_header,
        policy_dict,
        render_text,
        request_dict,
        request_problem,
        simulate,
        simulation_dict,
    )

    try:
        parsed = tuple(parse_header(h) for h in headers)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    problem = request_problem(origin, method)
    if problem is not None:
        raise click.UsageError(problem)
    # as given: fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT, so a
    # page's `patch` stays `patch`, and fails a preflight that allows `PATCH`
    request = PageRequest(origin, method, parsed, credentials, request_path)
    result = lint([path], Settings(select=("CORS001",)))
    for finding in result.findings:
        sys.stderr.write(f"corslint: {finding.location.path}:{finding.location.line}: {finding.message}\n")
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
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        sys.stdout.write(render_text(request, simulations, elsewhere))
    return 0


if __name__ == "__main__":  # pragma: no cover
    entry()
