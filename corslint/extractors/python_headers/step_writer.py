"""How a layer's steps are recorded: header writes (with the conditions they run under and
where they are reported), answers, and headers handed over as a mapping or list."""

from __future__ import annotations

import ast

import corslint.extractors.python_headers.asgi_messages as asgi
from corslint.extractors.python_headers.frame import Alternative, Frame, Read, Steps
from corslint.extractors.python_headers.operator_settings import assumed
from corslint.extractors.python_headers.request_arguments import chosen_test, gate_test
from corslint.extractors.python_headers.responses import Made, canonical, is_cors_header
from corslint.model import HeaderReflection, Location, Value


class StepWriter:
    """Records one layer's steps; `Interpreter` reads the code that makes them."""

    def __init__(self, steps: Steps) -> None:
        self.steps = steps
        # undecidable tests, by their marker in `when`: shared by the layer's phases, so
        # that a marker names one test in every phase
        self._tests: dict[str, Value] = steps.tests
        self._refused: set[str] = set()  # early error returns: named last in CORS305

    def alternatives(self, frame: Frame, node: ast.expr) -> list[Alternative]:
        raise NotImplementedError

    def undecided(self, frame: Frame, test: ast.expr, refused: bool = False) -> str:
        """The marker (`?3`) of a test corslint cannot decide. A test the request's own
        arguments decide is one marker wherever it is read (a helper read for several
        handlers tests the same request)."""
        location = frame.module.location(test)
        # `refused`: the test only ends the request early with an error (early_refusals.py)
        chosen = refused or chosen_test(frame, test) or gate_test(frame, test)
        where = f"{location.path}:{location.line}:{location.column}"
        if chosen and where in self.steps.chosen:
            return self.steps.chosen[where]
        marker = f"?{len(self._tests)}"
        self._tests[marker] = Value(None, location, description=frame.module.source(test))
        if chosen:
            self.steps.chosen[where] = marker
        if refused:
            self._refused.add(marker)
        return marker

    def _write(
        self,
        frame: Frame,
        header_node: ast.expr | str,
        found: list[Alternative],
        writer: str,
        when: tuple[str, ...],
        location: Location,
        source: ast.expr | None = None,
    ) -> None:
        if isinstance(header_node, str):
            header = header_node
        else:
            name = frame.resolve(header_node)
            raw = name.raw.decode("latin-1") if name.known and isinstance(name.raw, bytes) else name.raw
            if not (name.known and isinstance(raw, str)):
                return
            header = raw
        if not is_cors_header(header) or frame.returns is not None:
            return
        place, related = self._place(frame, location)
        if frame.use_site is not None and source is not None and _mentions(source, frame.use_names):
            place, related = frame.use_site, (location,)  # decided by the decorator's options
        for alternative in found:
            value = alternative.value
            elsewhere: tuple[Location, ...] = ()
            parts: dict[str, Value] = {"writer": Value(writer, place)}
            if isinstance(value, Read):
                parts["value"] = Value(HeaderReflection("reflect-all", source=value.source), place)
                if value.rebuilt:
                    parts["rebuilt"] = Value("scheme://netloc", place)
                if value.missing_error:
                    parts["missing"] = Value(frame.missing_status, place)
                elif value.default is not None:
                    parts["default"] = value.default
            else:
                if frame.assumed:
                    value = assumed(value, frame.assumed)
                parts["value"] = value if frame.relocate is None else _moved(value, place)
                if value.location.path and value.location.path != place.path:
                    elsewhere = (value.location,)  # a constant of another module: named too
            self._add(frame, canonical(header), parts, (*when, *alternative.when), place, related + elsewhere)

    def inner_header(self, frame: Frame, header: str, value: Value) -> None:
        """A header an inner layer adds to every response before this layer's code runs."""
        self._write(frame, header, [Alternative((), value)], "vary", (), value.location)

    def answer(self, frame: Frame, status: Value, when: tuple[str, ...], location: Location) -> None:
        if frame.returns is not None or frame.status_free:
            return
        place, related = self._place(frame, location)
        self._add(frame, "answer", {"status": status}, when, place, related)

    def _made(self, frame: Frame, made: Made, when: tuple[str, ...], location: Location) -> None:
        if made.headers is not None:
            self.headers_mapping(frame, made.headers, "set", when, location)
        self.answer(frame, made.status, when, location)

    def _add(
        self,
        frame: Frame,
        key: str,
        parts: dict[str, Value],
        when: tuple[str, ...],
        place: Location,
        related: tuple[Location, ...],
    ) -> None:
        entries: list[str] = []
        # a test that only ends some requests early is named after the others (CORS305)
        for entry in sorted(dict.fromkeys(when), key=lambda entry: entry.lstrip("!") in self._refused):
            test = self._tests.get(entry.lstrip("!")) if entry.startswith(("?", "!?")) else None
            if test is not None:
                self.steps.undecided_at(test, header=key not in {"answer", "fail"})
        for entry in dict.fromkeys(when):
            if entry.startswith("?") or entry.startswith("!?"):
                test = self._tests.get(entry.lstrip("!"))
                # the test itself, so that the model can try both of its outcomes
                entries.append(entry if test is not None and entry.lstrip("!")[1:].isdigit() else "?")
            elif "?" in entry:
                entries.append("?")
            else:
                entries.append(entry)
        parts["when"] = Value(tuple(Value(entry, place) for entry in dict.fromkeys(entries)), place)
        self.steps.add(key, Value(parts, place, related=related))

    def _place(self, frame: Frame, location: Location) -> tuple[Location, tuple[Location, ...]]:
        if frame.relocate is None:
            return location, ()
        return frame.relocate, (location,)

    def headers_mapping(
        self, frame: Frame, node: ast.expr, writer: str, when: tuple[str, ...], location: Location
    ) -> None:
        """`headers={"Access-Control-Allow-Origin": origin, ...}`, `.update(CORS_HEADERS)`."""
        node = asgi.copied(node)
        if isinstance(node, ast.Name) and node.id in frame.bags:
            for header, found, written, where, source in frame.bags[node.id]:
                combined = tuple(dict.fromkeys((*when, *written)))
                self._write(frame, header, found, writer, combined, where, source)
            return
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if key is None:
                    self.headers_mapping(frame, value, writer, when, location)
                else:
                    where = frame.module.location(key)  # the entry, not the whole call
                    self._write(frame, key, self.alternatives(frame, value), writer, when, where, value)
            return
        resolved = frame.resolve(node)
        if (
            isinstance(node, ast.Name)
            and (not resolved.known or any(a.when for a in frame.values.get(node.id, ())))
            and self._bound_lists(frame, node, writer, when, location)
        ):
            return
        if resolved.known and isinstance(resolved.raw, dict):
            for header, value in resolved.raw.items():
                if isinstance(header, str):
                    self._write(frame, header, [Alternative((), value)], writer, when, location)
            return
        for header, item in asgi.listed_headers(frame, node) or []:  # ASGI: [(b"vary", b"Origin")]
            if isinstance(item, Value):
                self._write(frame, header, [Alternative((), item)], writer, when, location)
            else:
                where = frame.module.location(header) if isinstance(header, ast.expr) else location
                self._write(frame, header, self.alternatives(frame, item), writer, when, where, item)

    def _bound_lists(
        self, frame: Frame, node: ast.Name, writer: str, when: tuple[str, ...], location: Location
    ) -> bool:
        """A local bound to a list of `(name, value)` pairs under a condition (`h = [...]`
        inside `if method == "OPTIONS":`, then `start_response("200 OK", h)`): each pair,
        under the conditions it was bound under."""
        alternatives = frame.values.get(node.id) or []
        pairs: list[tuple[tuple[str, ...], str, Value]] = []
        for alternative in alternatives:
            value = alternative.value
            if not (isinstance(value, Value) and value.known and isinstance(value.raw, tuple)):
                return False
            for item in value.raw:
                if not (item.known and isinstance(item.raw, tuple) and len(item.raw) == 2):
                    return False
                name, text = item.raw
                if not (name.known and isinstance(name.raw, str)):
                    return False
                pairs.append((alternative.when, name.raw, text))
        for bound_when, name, text in pairs:
            combined = tuple(dict.fromkeys((*when, *bound_when)))
            self._write(frame, name, [Alternative((), text)], writer, combined, text.location)
        return bool(pairs)


def _mentions(node: ast.expr, names: frozenset[str]) -> bool:
    return any(isinstance(inner, ast.Name) and inner.id in names for inner in ast.walk(node))


def _moved(value: Value, place: Location) -> Value:
    """A value written by shared code, reported where that code is used."""
    if value.location == place:
        return value
    return Value(
        value.raw, place, value.provenance, value.env_var, value.description, (value.location, *value.related)
    )
