"""A test of the request's method against a list is a method test the caller decides
(`['GET', 'POST'].indexOf(req.method) > -1`), not an undecided condition."""

from __future__ import annotations

import pytest

from corslint.extractors.express.request_tests import method_test


@pytest.mark.parametrize(
    ("text", "atom"),
    [
        ("['GET','POST'].indexOf(req.method)>-1", "METHOD:GET,POST"),
        ("['GET','POST'].indexOf(req.method)!==-1", "METHOD:GET,POST"),
        ("['GET','POST'].indexOf(req.method)>=0", "METHOD:GET,POST"),
        ("['GET','POST'].indexOf(req.method)===-1", "!METHOD:GET,POST"),
        ("['PUT','PATCH'].includes(req.method)", "METHOD:PUT,PATCH"),
        ("!['PUT','PATCH'].includes(req.method)", "!METHOD:PUT,PATCH"),
        ("['get','post'].includes(req.method.toLowerCase())", "METHOD:GET,POST"),
        # matches nothing a browser sends as written (req.method is upper case): left undecided
        ("['get','post'].includes(req.method)", None),
        ("['GET','FETCH'].includes(req.method)", None),
        # true for the first entry alone
        ("!['GET','POST'].indexOf(req.method)", None),
        ("['GET','POST'].includes(req.url)", None),
    ],
)
def test_a_listed_method_test(text: str, atom: str | None) -> None:
    assert method_test(("req",), text) == atom
