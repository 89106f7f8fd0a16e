"""Requests and responses as the CORS models exchange them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


def _lower_pairs(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((name.lower(), value) for name, value in pairs)


_set = object.__setattr__  # for the frozen dataclasses below that fill their own fields


@dataclass(frozen=True)
class Request:
    """An HTTP request as it reaches the server (a preflight is a Request too)."""

    method: str
    origin: str | None
    headers: tuple[tuple[str, str], ...] = ()  # lower-case names, excluding Origin
    path: str = "/"
    # the page's credentials mode is "include": for the browser's checks, and for a server
    # only as the Cookie header it implies (Litestar reflects `*` to requests with one)
    credentials: bool = False

    def __init__(
        self,
        method: str,
        origin: str | None,
        headers: tuple[tuple[str, str], ...] = (),
        path: str = "/",
        credentials: bool = False,
    ) -> None:
        # made by the thousand: the generated frozen __init__ looks object.__setattr__ up
        # again for every field; this one (_set) does not
        _set(self, "method", method)
        _set(self, "origin", origin)
        _set(self, "headers", headers)
        _set(self, "path", path)
        _set(self, "credentials", credentials)

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key == name:
                return value
        return None

    @property
    def is_preflight(self) -> bool:
        return (
            self.method == "OPTIONS"
            and self.origin is not None
            and self.header("access-control-request-method") is not None
        )

    @classmethod
    def make(
        cls,
        method: str,
        origin: str | None,
        headers: Mapping[str, str] | None = None,
        *,
        path: str = "/",
        credentials: bool = False,
    ) -> Request:
        return cls(method, origin, _lower_pairs((headers or {}).items()), path, credentials)


@dataclass(frozen=True)
class Response:
    """What a CORS layer sends. ``status`` is None when the request goes on to the app."""

    status: int | None
    headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def __init__(self, status: int | None, headers: tuple[tuple[str, str], ...] = ()) -> None:
        # made by the thousand too, as Request (the default_factory's tuple() is this ())
        _set(self, "status", status)
        _set(self, "headers", headers)

    def get(self, name: str) -> str | None:
        """The header's value, several lines joined with ", " as the Fetch Standard does."""
        name = name.lower()
        found = None
        for key, value in self.headers:
            if key == name:
                found = value if found is None else f"{found}, {value}"
        return found

    def get_all(self, name: str) -> list[str]:
        name = name.lower()
        return [value for key, value in self.headers if key == name]

    def as_dict(self) -> dict[str, str]:
        result: dict[str, str] = {}
        for key, _ in self.headers:
            if key not in result:
                result[key] = self.get(key) or ""
        return result


class HeaderList:
    """A mutable, order-keeping header list used while a framework model builds a response."""

    def __init__(self) -> None:
        self._pairs: list[tuple[str, str]] = []

    def set(self, name: str, value: str) -> None:
        name = name.lower()
        for key, _ in self._pairs:
            if key == name:  # rare: most headers are set once
                self._pairs = [pair for pair in self._pairs if pair[0] != name]
                break
        self._pairs.append((name, value))

    def add(self, name: str, value: str) -> None:
        self._pairs.append((name.lower(), value))

    def remove(self, name: str) -> None:
        name = name.lower()
        self._pairs = [pair for pair in self._pairs if pair[0] != name]

    def get(self, name: str) -> str | None:
        name = name.lower()
        values = [v for k, v in self._pairs if k == name]
        return ", ".join(values) if values else None

    def response(self, status: int | None) -> Response:
        return Response(status, tuple(self._pairs))
