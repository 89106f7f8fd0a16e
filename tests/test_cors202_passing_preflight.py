"""Census 9 row C2: a Next.js route whose OPTIONS export lists DELETE, while its DELETE
handler answers without CORS headers (fixture nextjs/route_options_lists_delete_handler_without_cors_clean).

A browser (the Fetch Standard, `corslint.browser`) sends the preflight, which passes, then the
DELETE itself, whose answer it cannot read: the request is not "never sent", so CORS202, which
says so, must not be reported. Next.js is not run here; the route's answers are corslint's model
of its exports, checked against the source by hand."""

from __future__ import annotations

from corslint.browser import PageRequest, fetch, preflight_check
from corslint.frameworks import framework_of
from tests.conftest import FIXTURES, linted_inside, run_lint

PROJECT = FIXTURES / "nextjs" / "route_options_lists_delete_handler_without_cors_clean"
EDITOR = "https://editor.drafts.example.org"


def test_the_delete_is_sent_and_no_cors202() -> None:
    policies = [p for p in linted_inside(PROJECT) if p.options]
    assert len(policies) == 1, policies
    policy = policies[0]
    model = framework_of(policy)
    page = PageRequest(EDITOR, "DELETE", (), False, "/api/drafts")

    def respond(request):  # type: ignore[no-untyped-def]
        return model.respond(policy, request)

    preflight = respond(page.preflight())
    assert preflight is not None and preflight_check(page, preflight).ok
    verdict = fetch(respond, page)
    assert verdict.response is not None and not verdict.allowed  # sent, then unreadable
    assert run_lint(PROJECT).findings == []
