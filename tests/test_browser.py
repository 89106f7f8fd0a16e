"""The Fetch Standard's decisions, case by case."""

from __future__ import annotations

import pytest

from corslint.browser import (
    PageRequest,
    cors_check,
    is_safelisted_header,
    preflight_check,
    unsafe_header_names,
)
from corslint.http import Response

ORIGIN = "https://app.example.com"


def response(status: int | None = 200, **headers: str) -> Response:
    return Response(status, tuple((name.replace("_", "-"), value) for name, value in headers.items()))


@pytest.mark.parametrize(
    ("method", "headers", "expected"),
    [
        ("GET", {}, False),
        ("POST", {"content-type": "text/plain;charset=utf-8"}, False),
        ("POST", {"content-type": "application/json"}, True),
        ("POST", {"content-type": "multipart/form-data; boundary=x"}, False),
        ("PUT", {}, True),
        ("get", {}, False),  # normalized to GET
        ("patch", {}, True),  # not normalized: "patch" is not a safelisted method
        ("GET", {"authorization": "Bearer t"}, True),
        ("GET", {"accept": "application/json"}, False),
        ("GET", {"accept": "text/html(evil)"}, True),  # CORS-unsafe request-header byte
        ("GET", {"accept-language": "en-US,en;q=0.9"}, False),
        ("GET", {"x-requested-with": "XMLHttpRequest"}, True),
        ("GET", {"range": "bytes=0-99"}, False),
        ("GET", {"range": "bytes=0-9,20-29"}, True),
        ("GET", {"accept": "a" * 129}, True),
    ],
)
def test_when_a_preflight_is_sent(method: str, headers: dict[str, str], expected: bool) -> None:
    assert PageRequest(ORIGIN, method, tuple(headers.items())).needs_preflight is expected


def test_preflight_request_shape() -> None:
    page = PageRequest(
        ORIGIN, "PUT", (("X-B", "1"), ("Authorization", "t"), ("content-type", "application/json")), True
    )
    preflight = page.preflight()
    assert preflight.method == "OPTIONS" and preflight.origin == ORIGIN
    assert preflight.header("access-control-request-method") == "PUT"
    assert preflight.header("access-control-request-headers") == "authorization,content-type,x-b"
    assert preflight.credentials is False


def test_safelisted_values_over_1024_bytes_in_total_are_unsafe() -> None:
    headers = {"accept": "a" * 120, "accept-language": "b" * 120, "content-language": "c" * 120}
    assert unsafe_header_names(headers) == []
    assert is_safelisted_header("content-type", "text/plain")
    assert not is_safelisted_header("content-type", "application/json")


def test_cors_check() -> None:
    plain = PageRequest(ORIGIN)
    creds = PageRequest(ORIGIN, credentials=True)
    assert cors_check(plain, response(access_control_allow_origin="*")).ok
    assert not cors_check(
        creds, response(access_control_allow_origin="*", access_control_allow_credentials="true")
    ).ok
    assert cors_check(
        creds, response(access_control_allow_origin=ORIGIN, access_control_allow_credentials="true")
    ).ok
    assert not cors_check(
        creds, response(access_control_allow_origin=ORIGIN, access_control_allow_credentials="True")
    ).ok
    assert not cors_check(plain, response(access_control_allow_origin=ORIGIN.upper())).ok
    assert not cors_check(plain, response()).ok
    doubled = Response(
        200, (("access-control-allow-origin", ORIGIN), ("access-control-allow-origin", ORIGIN))
    )
    assert "multiple values" in cors_check(plain, doubled).reason


def test_preflight_check() -> None:
    put = PageRequest(ORIGIN, "PUT")
    ok = {"access_control_allow_origin": ORIGIN}
    assert not preflight_check(put, response(400, **ok)).ok
    assert not preflight_check(put, response(200, **ok)).ok
    assert preflight_check(put, response(204, access_control_allow_methods="PUT", **ok)).ok
    assert not preflight_check(put, response(200, access_control_allow_methods="put", **ok)).ok
    assert preflight_check(put, response(200, access_control_allow_methods="*", **ok)).ok
    creds_put = PageRequest(ORIGIN, "PUT", credentials=True)
    wildcard = response(200, access_control_allow_methods="*", access_control_allow_credentials="true", **ok)
    assert not preflight_check(creds_put, wildcard).ok


def test_authorization_is_never_covered_by_a_wildcard() -> None:
    page = PageRequest(ORIGIN, "GET", (("authorization", "Bearer t"), ("x-custom", "1")))
    star = response(200, access_control_allow_origin=ORIGIN, access_control_allow_headers="*")
    check = preflight_check(page, star)
    assert not check.ok and "authorization" in check.reason
    named = response(200, access_control_allow_origin=ORIGIN, access_control_allow_headers="*, Authorization")
    assert preflight_check(page, named).ok
