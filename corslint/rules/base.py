"""What every rule is made of, gathered for the rule modules' imports: the probe through
which rules question a policy (rules/probe.py), the `Rule` base class (rules/rule.py),
the documentation snippets (rules/examples.py) and `anchor_domain`
(rules/anchor_domains.py).
"""

from __future__ import annotations

from corslint.rules.anchor_domains import anchor_domain
from corslint.rules.examples import (
    DEFAULT_EXAMPLE_FILES,
    DJANGO_WIRED,
    EXPRESS_APP,
    FASTAPI_APP,
    FLASK_APP,
    Example,
)
from corslint.rules.probe import (
    ATTACKER,
    LOOPBACK_HOSTS,
    REFUSED_STAND_IN,
    STAND_IN,
    PolicyProbe,
)
from corslint.rules.rule import SECTIONS, Rule

__all__ = [
    "ATTACKER",
    "DEFAULT_EXAMPLE_FILES",
    "DJANGO_WIRED",
    "EXPRESS_APP",
    "FASTAPI_APP",
    "FLASK_APP",
    "LOOPBACK_HOSTS",
    "REFUSED_STAND_IN",
    "SECTIONS",
    "STAND_IN",
    "Example",
    "PolicyProbe",
    "Rule",
    "anchor_domain",
]
