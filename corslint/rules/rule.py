"""The base class every rule derives from: its metadata, its explanation (the class
docstring, in the sections of `SECTIONS`) and how it makes findings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import ClassVar

from corslint.findings import Finding, Level, Related
from corslint.model import Location
from corslint.rules.examples import Example
from corslint.rules.probe import SET_HERE, PolicyProbe

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "References")


class Rule:
    """Base class: subclasses set the metadata and implement `check` (or `check_all`).

    The class docstring is the rule's Markdown explanation, with the sections of
    `SECTIONS`; `corslint explain`, SARIF `help` and docs/rules/ all come from it.
    """

    id: ClassVar[str]
    name: ClassVar[str]
    level: ClassVar[Level]
    summary: ClassVar[str]
    raised_with_credentials: ClassVar[bool] = False  # "warning, error w/ creds"
    security_severity: ClassVar[float | None] = None
    cwe: ClassVar[tuple[int, ...]] = ()
    tags: ClassVar[tuple[str, ...]] = ()
    bad: ClassVar[tuple[Example, ...]] = ()
    good: ClassVar[tuple[Example, ...]] = ()
    # whether the rule judges a layer that sends nothing (`CorsPolicy.inactive`): only
    # those about how the configuration is written, and CORS303, which says it is inert
    judges_inactive: ClassVar[bool] = False

    @classmethod
    def explanation(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")

    def check(self, probe: PolicyProbe) -> Iterator[Finding]:
        return iter(())

    @property
    def across_policies(self) -> bool:
        """Whether the rule judges policies together (it overrides `check_all`); the
        others judge each policy alone, in the worker that read its file."""
        return type(self).check_all is not Rule.check_all

    def check_all(self, probes: list[PolicyProbe]) -> Iterator[Finding]:
        """Rules about several policies at once (duplicate layers) override this."""
        for probe in self.judged(probes):
            yield from self.check(probe)

    def judged(self, probes: list[PolicyProbe]) -> list[PolicyProbe]:
        """The probes this rule judges: a layer that sends nothing only by `judges_inactive`
        rules (a missing middleware's settings expose nobody and block nothing more)."""
        if self.judges_inactive:
            return probes
        return [probe for probe in probes if not probe.policy.inactive]

    def finding(
        self,
        probe: PolicyProbe,
        location: Location,
        message: str,
        *,
        level: Level | None = None,
        related: Iterable[Related] = (),
    ) -> Finding:
        applied = (
            Related(e.location, e.detail)
            for e in probe.policy.evidence
            if e.kind == "applied-at" and e.location != location
        )
        # one note per line, and none for the finding's own line: two spans of one
        # statement (`ORIGINS = a or b`) say the same to a reader
        lines: dict[tuple[str, int], Related] = {}
        for item in (*related, *applied):
            where = (item.location.path, item.location.line)
            if where == (location.path, location.line) or where in lines:
                continue
            if item.message.endswith(SET_HERE) and item.location.path == location.path:
                continue
            lines[where] = item
        kept = tuple(lines.values())
        return Finding(
            self.id, level or self.level, message, location, kept, probe.policy.framework, self.name
        )

    def level_for(self, credentialed: bool) -> Level:
        return Level.ERROR if credentialed and self.raised_with_credentials else self.level
