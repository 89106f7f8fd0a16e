"""A Django view's own parameters after the request: the URL's captured values (and the
route's fixed extra kwargs), which whoever sends the request picks by the URL it asks for.

healthchecks/healthchecks hc/api/views.py:181-195: `def ping(request, code, check=None,
action="success", exitstatus=None)` returns `HttpResponseBadRequest` under `if exitstatus
is not None and exitstatus > 255:` and writes `Access-Control-Allow-Origin: *` on every
other ping. A test on such a parameter is the request's choice (request_arguments.py), not
an operator's setting: the model answers with the arm that writes the headers."""

from __future__ import annotations

from corslint.extractors.python_headers.unit import Function, Unit, method_parameters

_NOT_URL = frozenset({"self", "cls"})


def url_arguments(unit: Unit, function: Function, requests: frozenset[str]) -> set[str]:
    """The names a Django view's URL gives values to; none for other units."""
    if unit.kind != "django" or unit.role != "view":
        return set()
    names = [*method_parameters(function), *(a.arg for a in function.args.kwonlyargs)]
    if not names or names[0] not in requests:
        return set()  # not a view's own signature (`view(request, ...)`)
    return {name for name in names[1:] if name not in requests and name not in _NOT_URL}
