"""The command line, on click: `corslint [check] [PATHS]` lints and `corslint baseline`
records today's findings (both carried out by corslint.cli.check); `explain`, `rules`
and `simulate` teach.

Importing this module imports click and corslint/__init__, nothing else: each command
imports what it needs when it runs, so that `corslint --version` stays fast."""

from __future__ import annotations

import gc
import inspect
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from corslint import __version__

PROGRAM = "corslint"
REPORT_FORMATS = ("text", "json", "sarif", "github", "gitlab")
LEVELS = ("error", "warning", "note")


class DefaultToCheck(click.Group):
    """`corslint src/` means `corslint check src/`, as in ruff's early days: a first word
    that names no command (nor is the program's own -h, --help or --version) starts `check`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in {"-h", "--help", "--version"}):
            args = ["check", *args]
        return super().parse_args(ctx, args)


def _split_ids(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(item.strip().upper() for value in values for item in value.split(",") if item.strip())


def _validate_ids(ids: tuple[str, ...], option: str) -> tuple[str, ...]:
    for item in ids:
        from corslint.cli.check import RuleIds

        if not any(rule_id.startswith(item) for rule_id in RuleIds()):
            from corslint.runner.settings import closest_rule_id

            hint = closest_rule_id(item, RuleIds())
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


def _check_options(function: Callable[..., int]) -> Callable[..., int]:
    """The options `check` and `baseline` share: what to lint, and with which settings."""
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
        click.option(
            "--select",
            multiple=True,
            metavar="IDS",
            help="Rule ids or prefixes to enable (e.g. CORS1,CORS201), replacing the settings' `select`. "
            "corslint's own diagnostics (CORS001, CORS002) stay on unless ignored.",
        ),
        click.option(
            "--extend-select", multiple=True, metavar="IDS", help="Rule ids or prefixes to enable too."
        ),
        click.option("--ignore", multiple=True, metavar="IDS", help="Rule ids or prefixes to disable."),
        click.option(
            "--extend-ignore", multiple=True, metavar="IDS", help="The same as --ignore (as in ruff)."
        ),
        click.option(
            "--config",
            "config_file",
            type=click.Path(path_type=Path),
            metavar="FILE",
            help="Configuration file (pyproject.toml or .corslint.toml).",
        ),
        click.option("--no-cache", is_flag=True, help="Neither read nor write .corslint_cache."),
        click.option(
            "--no-respect-gitignore", is_flag=True, help="Read files that .gitignore and .ignore exclude."
        ),
        click.option(
            "--force-exclude",
            is_flag=True,
            help="Apply `exclude` to paths named on the command line too (for pre-commit, which names each file).",
        ),
        click.option(
            "--max-file-size",
            type=click.IntRange(min=1),
            metavar="BYTES",
            help="Files larger than BYTES (default 5000000) are not parsed, only searched for CORS keywords.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@_command("Lint PATHS (default: the current directory); the default command.")
@_check_options
@click.option(
    "--format",
    "--output-format",
    "output_format",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    show_default=True,
    help="Report format (gitlab: GitLab's code quality report).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write the report to FILE.",
)
@click.option(
    "--fail-level",
    type=click.Choice(LEVELS),
    help="Lowest level that makes the exit code 1 [default: warning].",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--no-color", is_flag=True, help="Never colour the text output.")
@click.option(
    "--statistics",
    is_flag=True,
    help="Print only how many findings each rule made (JSON with --format json).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print the findings and nothing else.")
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="Read the file to lint from standard input (also `corslint -`), as if it were PATH.",
)
@click.option("--show-settings", is_flag=True, help="Print the settings the run would use, and stop.")
@click.option("--show-files", is_flag=True, help="Print the files the run would read, and stop.")
@click.option(
    "--show-parsed",
    is_flag=True,
    help="Print the files the prefilter would hand to a parser (size, kind, extractors; what a cold run "
    "spends its time on), and stop.",
)
@click.option(
    "--category",
    default="corslint/",
    show_default=True,
    metavar="NAME",
    help="The SARIF run's category (automationDetails.id): one per upload in a monorepo.",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Report only findings that FILE (written by `corslint baseline`) does not hold.",
)
@click.option(
    "--add-noqa",
    is_flag=True,
    help="Write a `corslint: ignore[...]` comment on the line of each finding, and exit 0.",
)
@click.option("--fix", is_flag=True, help="Apply the safe fixes, then report what is left.")
@click.option("--unsafe-fixes", is_flag=True, help="Apply (or show) the unsafe fixes too.")
@click.option(
    "--diff",
    is_flag=True,
    help="Print the fixes as a unified diff and write nothing; exit 1 when there is something to fix.",
)
@click.option("--fix-only", is_flag=True, help="Apply the fixes and report nothing else (exit 0).")
@click.option(
    "--exit-non-zero-on-fix", is_flag=True, help="Exit 1 when a fix was applied, even with nothing left."
)
def check(**options: Any) -> int:
    """Lint PATHS (default: the current directory).

    Exit codes: 0 no findings at or above the fail level, 1 findings, 2 a usage or
    configuration error."""
    from corslint.cli.check import CheckRequest, run_check

    return run_check(CheckRequest.of(options, _validated_ids))


@_command("Write a baseline of today's findings, so that `check --baseline` reports only new ones.")
@_check_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default="corslint-baseline.json",
    show_default=True,
    metavar="FILE",
    help="Where to write the baseline.",
)
def baseline(**options: Any) -> int:
    """Write the findings of PATHS (default: the current directory) to a baseline file,
    which `corslint check --baseline FILE` then leaves out: adopt the gate on a legacy
    codebase and fail only on what is new."""
    from corslint.cli.check import CheckRequest, run_check

    output = options.pop("output")
    return run_check(CheckRequest.of(options, _validated_ids, write_baseline=output))


def _validated_ids(values: Sequence[str], option: str) -> tuple[str, ...]:
    return _validate_ids(_split_ids(values), option)


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

    from corslint.fixes.attach import FIXABLE_RULES
    from corslint.rules import RULES

    if output_format == "json":
        data: list[dict[str, Any]] = [
            {
                "id": rule.id,
                "name": rule.name,
                "level": rule.level.value,
                "fixable": rule.id in FIXABLE_RULES,
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
        # the fixable column: [*] where `--fix` repairs some of the rule's findings
        sys.stdout.writelines(
            f"{rule.id}  {rule.name:<32} {rule.level.value:<8} {'[*]' if rule.id in FIXABLE_RULES else '   '} "
            f"{rule.summary}\n"
            for rule in RULES
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
    result = lint([path], Settings(select=("CORS001",)), isolate=True)  # each file under a time limit
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
