"""Header writes and answers made through a framework's own response methods, where the
response is not a plain header mapping: Bottle's and Falcon's `set_header`, http.server's
`send_header`/`send_response`, Tornado's `self.set_header`/`self.set_status`, web.py's
`web.header`."""

from __future__ import annotations

import ast

import corslint.extractors.python_headers.http_server_units as http_server
from corslint.extractors.python_headers.frame import Alternative, Frame, dotted
from corslint.extractors.python_headers.responses import RESPONSE_METHODS, TORNADO_METHODS, status_value
from corslint.extractors.python_headers.step_writer import StepWriter
from corslint.model import Location, Value

WEBPY_MODULES = frozenset({"web"})  # `import web` (web.py), also vendored: `from contrib import web`


class FrameworkWrites(StepWriter):
    """Reads a call of one of the frameworks' response methods into steps."""

    def framework_write(
        self,
        frame: Frame,
        receiver: ast.expr,
        method: str,
        args: list[ast.expr],
        when: tuple[str, ...],
        location: Location,
        keywords: tuple[ast.keyword, ...] = (),
    ) -> bool:
        """True when the call was one of them (read, or known to write nothing)."""
        if method in RESPONSE_METHODS and frame.kind in {"bottle", "falcon"} and frame.is_response(receiver):
            if method == "delete_header" and args:
                self._write(frame, args[0], [Alternative((), Value("", location))], "remove", when, location)
            elif len(args) == 2:
                found = self.alternatives(frame, args[1])
                self._write(frame, args[0], found, RESPONSE_METHODS[method], when, location, args[1])
            return True
        if method == "set_headers" and frame.kind == "falcon" and frame.is_response(receiver) and args:
            self.headers_mapping(frame, args[0], "set", when, location)
            return True
        # http.server: the handler is the request and the response (`self`, or the
        # parameter a module helper is handed it as: `add_cors(self)`)
        if frame.kind == "http_server" and dotted(receiver) in frame.requests:
            if method == "send_header" and len(args) >= 2:
                found = self.alternatives(frame, args[1])
                self._write(frame, args[0], found, "add", when, location, args[1])
                return True
            if method in http_server.ANSWERING and args:
                self.answer(frame, status_value(frame, args[0]), when, location)
                return True
            if method in http_server.FLUSHING:
                return True  # the `end_headers` override is a phase of its own
        if (
            frame.kind == "webpy"
            and method == "header"
            and dotted(receiver) in WEBPY_MODULES
            and len(args) >= 2
        ):
            # `web.header(name, value)` adds a line; `unique=True` only when none is there yet
            unique = next(
                (k.value for k in keywords if k.arg == "unique"), args[2] if len(args) > 2 else None
            )
            writer = "setdefault" if isinstance(unique, ast.Constant) and unique.value is True else "add"
            self._write(frame, args[0], self.alternatives(frame, args[1]), writer, when, location, args[1])
            return True
        if frame.self_writes and dotted(receiver) == "self":
            if method in TORNADO_METHODS and args:
                writer = TORNADO_METHODS[method]
                found = (
                    self.alternatives(frame, args[1])
                    if len(args) > 1
                    else [Alternative((), Value("", location))]
                )
                self._write(frame, args[0], found, writer, when, location, args[1] if len(args) > 1 else None)
                return True
            if method == "set_status" and args:
                self.answer(frame, status_value(frame, args[0]), when, location)
                return True
        return False
