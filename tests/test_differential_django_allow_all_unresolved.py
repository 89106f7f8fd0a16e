"""Differential truth for census 9 row B3: django-cors-headers settings whose
`CORS_ALLOW_ALL_ORIGINS` corslint cannot resolve (an unknown env object), beside a
`CORS_ALLOWED_ORIGIN_REGEXES` entry with unescaped dots (fixture
django/regex_list_with_unresolved_allow_all_switch).

CORS104 judges the patterns as they act when the switch is false (its default, and the
value every deployment that does not set it runs with). With the switch false, the real
`CorsMiddleware` (django-cors-headers 4.x, `re.match` on each pattern) answers every
request of the battery as corslint's model does, and admits the lookalike origin CORS104
names; with the switch true it admits every origin, so the pattern then changes nothing.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from corslint.model import Value
from tests.conftest import FIXTURES, linted_inside, run_lint

pytest.importorskip("corsheaders")

from tests.test_differential_django import compare, django_settings, send

PROJECT = FIXTURES / "django" / "regex_list_with_unresolved_allow_all_switch"
SWITCH = "CORS_ALLOW_ALL_ORIGINS"


def test_the_pattern_acts_when_the_switch_is_false() -> None:
    from django.test.utils import override_settings

    from corslint.http import Request

    policies = [p for p in linted_inside(PROJECT) if p.framework == "django"]
    assert len(policies) == 1, policies
    policy = policies[0]
    assert not policy.options[SWITCH].known
    off = dataclasses.replace(policy, options={**policy.options, SWITCH: Value(False, policy.location)})
    assert django_settings(off) is not None
    assert compare(off) > 0  # the model is the real middleware, switch off
    findings = [f for f in run_lint(PROJECT).findings if f.rule_id == "CORS104"]
    assert len(findings) == 1, findings
    assert f"when `{SWITCH}` is false" in findings[0].message
    lookalike = re.search(r"admits `([^`]+)`", findings[0].message)
    assert lookalike is not None
    with override_settings(**django_settings(off)):
        answer = send(Request("GET", lookalike.group(1), path="/"))
    assert answer.get("access-control-allow-origin") == lookalike.group(1)
