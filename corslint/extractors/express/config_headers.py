"""CORS headers written by hand in configuration: Next.js ``headers()`` in ``next.config.*``,
and (`static_headers`) ``vercel.json``, ``netlify.toml`` and Netlify's ``_headers``.

Each rule (a ``source`` path pattern and the headers sent on responses it matches) with
Access-Control-* headers becomes one policy of hand-written steps, replayed by
`frameworks.express_headers`: the headers are sent as written, whatever the request, the
headers of the other rules whose pattern matches the request's path merged in (see
`header_policies`). No OPTIONS request is answered by the configuration itself: what
answers it is the code behind the path (measured on `next start`, docs/semantics/nextjs.md:
an App Router route handler without an OPTIONS export answers 204, a page 405, a Pages
Router API route runs its handler, no route 404, each with the configured headers), which
the model does not guess."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from corslint.extractors.express.config_pushes import pushed_entries, pushes_unread
from corslint.extractors.express.empty_env_origins import empty_default_origins_unknown
from corslint.extractors.express.next_config_assignments import assigned_headers_functions, assigned_holder
from corslint.extractors.express.next_handler_methods import with_handler_routes
from corslint.extractors.express.next_routes import bearer_evidence, handler_probe, options_answers
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import Node, unwrap, walk
from corslint.frameworks.config_paths import PLATFORMS, source_matches, source_parameters
from corslint.frameworks.express import python_regex
from corslint.frameworks.express_headers import HEADERS
from corslint.model import (
    CorsPolicy,
    Evidence,
    HeaderReflection,
    Location,
    Provenance,
    Regex,
    Value,
    exclusive_arms,
)

NEXT_CONFIG_NAMES = frozenset(f"next.config.{suffix}" for suffix in ("js", "mjs", "cjs", "ts", "mts", "cts"))
_CANONICAL = {name.lower(): name for name in HEADERS}
_PATTERN_PIECE = re.compile(r":[A-Za-z0-9_]+(?:\([^)]*\))?[*+?]?|\(\.\*\)|\*")
_CATCH_ALL = frozenset({"/(.*)", "/:path*", "/*", "/**"})


@dataclass(frozen=True)
class HeaderRule:
    """One `source` and the headers sent on the responses it matches."""

    source: str
    headers: tuple[tuple[Value, Value], ...]  # (key, value), as written
    location: Location  # the rule, for findings about what it lacks
    # `has` / `missing` (Next.js, Vercel): when it applies
    condition: Value | None = None
    # their `header` items, (lower-case name, regex or None); None for any other item
    has: tuple[tuple[str, str | None] | None, ...] = ()
    missing: tuple[tuple[str, str | None] | None, ...] = ()
    branch: str = ""  # the if/else arms around a rule pushed onto the list (`config_pushes`)


def probe_path(source: str, platform: str = "next") -> str:
    """A path the pattern matches (`/api/:path*` -> `/api/x`, `/v1/:id(\\d+)` -> `/v1/1`)."""
    if not source.startswith("/"):
        return "/"
    for filler in ("x", "1"):
        candidate = _PATTERN_PIECE.sub(filler, source)
        try:
            if source_matches(platform, source, candidate):
                return candidate
        except ValueError:
            break
    return _PATTERN_PIECE.sub("x", source)


def _valid(platform: str, source: str) -> bool:
    """Whether the platform accepts the pattern (Next.js and Vercel refuse `/api/*`)."""
    try:
        source_matches(platform, source, "/")
    except ValueError:
        return False
    return True


def _applies(platform: str, rule: HeaderRule, path: str) -> bool:
    try:
        return source_matches(platform, rule.source, path)
    except ValueError:  # a source the platform refuses: it applies nowhere
        return False


def header_policies(
    framework: str,
    path: str,
    rules: list[HeaderRule],
    label: str,
    next_options: tuple[str, ...] | None = None,
    joined: bool = False,
) -> list[CorsPolicy]:
    """One policy per rule that sets Access-Control-* headers: what a request for a path
    the rule matches gets. Every platform sends the headers of all the rules whose pattern
    matches a path, in order, a later value of a header replacing an earlier one (names
    compared without regard to case); so the policy holds, in file order, the rule's own
    headers and those of every other rule that can match the same paths (its pattern
    matches this rule's probe path, or this rule's pattern matches its probe path), each
    under the condition that its pattern matches the request's path. A rule's Next.js
    `has` / `missing` items on headers are conditions of its steps too (`_conditions`);
    a condition the model does not evaluate (a cookie, the query, the host, Vercel's)
    leaves the requests it may apply to unanswered (CORS305 names it). `next_options`:
    what answers OPTIONS behind each path of a Next.js app (`next_routes`), when known.
    `joined`: a header two matching rules set is sent with both values (Cloudflare Pages,
    `pages_headers`), not the later one alone."""
    platform = PLATFORMS[framework]
    policies = []
    conditions = {id(rule): _conditions(platform, rule) for rule in rules}
    for rule in rules:
        own = _cors_headers(rule, conditions[id(rule)])
        if not any(name.startswith("Access-Control-") for name in own):
            continue
        probe = handler_probe(rule.source, probe_path(rule.source, platform), next_options, platform)
        steps: list[tuple[str, Value, bool]] = []  # (header, step, the rule's own)
        condition: tuple[Location, str] | None = None
        guard = _origin_guard(rule, conditions[id(rule)].atoms)
        for other in rules:
            if other is not rule and not (
                _valid(platform, other.source)
                and (
                    _applies(platform, other, probe)
                    or _applies(platform, rule, probe_path(other.source, platform))
                )
            ):
                continue
            atoms = conditions[id(other)].atoms
            if other is not rule and not rule.branch.startswith(other.branch):
                if exclusive_arms(rule.branch, other.branch):
                    continue
                atoms = (*atoms, "?")  # added under a condition this rule's branch does not settle
            if other is rule and guard is not None:  # its Origin pattern, as the guard
                atoms = tuple("ALLOWED" if atom == guard[0] else atom for atom in atoms)
            for name, (value, _) in _cors_headers(other, conditions[id(other)]).items():
                when = [] if other is rule else [Value(f"PATH:{platform}:{other.source}", value.location)]
                when += [Value(atom, value.location) for atom in atoms]
                if "?" in atoms and condition is None:
                    condition = (
                        (other.condition.location, _HAS_CONDITIONS)
                        if other.condition is not None and "?" in conditions[id(other)].atoms
                        else (other.location, "the condition under which a rule for the same paths is added")
                    )
                writer = "append" if joined else "set"
                step: dict[str, Value] = {"value": value, "writer": Value(writer, value.location)}
                if when:
                    step["when"] = Value(tuple(when), value.location)
                steps.append((name, Value(step, value.location), other is rule))
        options = _slotted(steps)
        if guard is not None:
            options["guard"] = guard[1]
        if next_options is not None:
            options["next_options"] = Value(
                tuple(Value(entry, rule.location) for entry in next_options), rule.location
            )
        if condition is not None:
            options["condition"] = Value(None, condition[0], Provenance.UNKNOWN, description=condition[1])
        located = own.get("Access-Control-Allow-Origin") or next(
            header for name, header in own.items() if name.startswith("Access-Control-")
        )
        policies.append(
            CorsPolicy(
                framework=framework,
                location=located[1],
                options=options,
                development_only=is_development_path(path),
                branch=rule.branch,
                label=f"{label} for {rule.source}",
                scope=rule.source if rule.source not in _CATCH_ALL else "",
                probe_path=probe,
                app=f"{path}::{rule.source}",
            )
        )
    return policies


_HAS_CONDITIONS = "the request conditions (`has` / `missing`) under which these headers are sent"


def _origin_guard(rule: HeaderRule, atoms: tuple[str, ...]) -> tuple[str, Value] | None:
    """A rule's one `has` pattern on the Origin (an allow-list written as a regex), as the
    `guard` its steps test (`ALLOWED`), so that the rules read its origins: the atom it
    replaces and the pattern, anchored as Next.js anchors it."""
    tests = [atom for atom in atoms if atom.startswith("HEADER:origin~")]
    if len(tests) != 1 or rule.condition is None:
        return None
    pattern = tests[0][len("HEADER:origin~") :]
    return tests[0], Value(Regex(f"^{pattern}$"), rule.condition.location)


@dataclass(frozen=True)
class _Conditions:
    """A rule's `has` / `missing` as step conditions (`HEADER:` atoms, `?` for what the
    model cannot evaluate) and the parameters a match gives its header values: name ->
    the request header it copies whole, or "" when it holds only a part of one."""

    atoms: tuple[str, ...] = ()
    parameters: tuple[tuple[str, str], ...] = ()


def _conditions(platform: str, rule: HeaderRule) -> _Conditions:
    """Next.js `matchHas`: a `header` item without `value` needs the header (its value is
    then the parameter named after the key, letters only); with `value`, the header must
    match `^value$`, whose named groups become parameters. Items of the other types
    (cookie, query, host), and Vercel's conditions, are not evaluated."""
    if rule.condition is None:
        return _Conditions()
    if platform != "next":
        return _Conditions(("?",))
    atoms: list[str] = []
    parameters: list[tuple[str, str]] = []
    for kind, items in (("has", rule.has), ("missing", rule.missing)):
        for item in items:
            if item is None:
                atoms.append("?")
                continue
            header, pattern = item
            if pattern is not None and not _readable(pattern):
                atoms.append("?")
                continue
            negation = "!" if kind == "missing" else ""
            atoms.append(f"{negation}HEADER:{header}" + (f"~{pattern}" if pattern is not None else ""))
            if kind == "missing":
                continue
            if pattern is None:
                parameters.append(("".join(c for c in header if c.isascii() and c.isalpha()), header))
                continue
            whole = _WHOLE_GROUP.fullmatch(pattern)
            for name in _NAMED_GROUP.findall(pattern):
                spans = (
                    whole is not None and whole.group(1) == name and _balanced(pattern[len(name) + 4 : -1])
                )
                parameters.append((name, header if spans else ""))
    return _Conditions(tuple(atoms), tuple(parameters))


_NAMED_GROUP = re.compile(r"\(\?<([A-Za-z_$][\w$]*)>")
_WHOLE_GROUP = re.compile(r"\(\?<([A-Za-z_$][\w$]*)>.*\)", re.DOTALL)


def _balanced(inner: str) -> bool:
    """Whether the group opened before `inner` closes only at its end (`(?<o>a)|(b)` does not)."""
    depth, escaped, in_class = 0, False, False
    for char in inner:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _readable(pattern: str) -> bool:
    try:
        python_regex(Regex(f"^{pattern}$"))
    except (re.error, ValueError):
        return False
    return True


def _slotted(steps: list[tuple[str, Value, bool]]) -> dict[str, Value]:
    """The steps in order, each under its header's name: the rule's own under the plain
    name (findings point at the rule's own values first), the others' as `NAME #2`, ..."""
    names = [name if own else "" for name, _, own in steps]
    taken = set(names)
    for index, (name, _, own) in enumerate(steps):
        if not own:
            names[index] = next(
                slot for slot in (f"{name} #{i}" for i in range(2, len(steps) + 2)) if slot not in taken
            )
            taken.add(names[index])
    return {slot: step for slot, (_, step, _) in zip(names, steps, strict=True)}


def _cors_headers(rule: HeaderRule, conditions: _Conditions) -> dict[str, tuple[Value, Location]]:
    """The CORS headers a rule sends, the last value of each name (compared without
    regard to case) kept: canonical name -> (value, where its key is written)."""
    effective: dict[str, tuple[Value, Location]] = {}
    parameters = {name: "" for name in _parameters(rule.source)} | dict(conditions.parameters)
    for key, value in rule.headers:
        if not (key.known and isinstance(key.raw, str)):
            continue
        name = _CANONICAL.get(key.raw.strip().lower())
        if name is None:
            continue
        effective.pop(name, None)  # re-inserted: the order the response has them in
        effective[name] = (_substituted(value, parameters), key.location)
    return effective


def _parameters(source: str) -> frozenset[str]:
    try:
        return source_parameters(source)
    except ValueError:
        return frozenset()


def _substituted(value: Value, parameters: dict[str, str]) -> Value:
    """A value naming a parameter (`:path` of the source, `:origin` captured by `has`) is
    substituted by the platform: the request header itself when the value is just the
    parameter and the parameter is that whole header, else not known statically. A name
    that is no parameter stays as written (`:origin` without such a capture)."""
    if not (value.known and isinstance(value.raw, str) and ":" in value.raw):
        return value
    named = [name for name in parameters if re.search(rf":{re.escape(name)}(?!\w)", value.raw)]
    if not named:
        return value
    whole = parameters.get(value.raw.strip()[1:], "") if value.raw.strip().startswith(":") else ""
    if whole:
        return Value(HeaderReflection("reflect-all", source=whole), value.location)
    return Value(
        None,
        value.location,
        Provenance.UNKNOWN,
        description=f"`{value.raw}`, which takes a part of the request",
    )


def header_rules(entries: Value) -> list[HeaderRule]:
    """Rules from the `[{source, headers: [{key, value}], has, missing}]` shape Next.js and
    Vercel share."""
    rules: list[HeaderRule] = []
    if not (entries.known and isinstance(entries.raw, tuple)):
        return rules
    for entry in entries.raw:
        if not (entry.known and isinstance(entry.raw, dict)):
            continue
        source, headers = entry.raw.get("source"), entry.raw.get("headers")
        if source is None or not isinstance(source.raw, str) or headers is None:
            continue
        if not (headers.known and isinstance(headers.raw, tuple)):
            continue
        pairs = []
        for header in headers.raw:
            if (
                header.known
                and isinstance(header.raw, dict)
                and "key" in header.raw
                and "value" in header.raw
            ):
                pairs.append((header.raw["key"], header.raw["value"]))
        condition = entry.raw.get("has") or entry.raw.get("missing")
        has, missing = _items(entry.raw.get("has")), _items(entry.raw.get("missing"))
        rules.append(HeaderRule(source.raw, tuple(pairs), entry.location, condition, has, missing))
    return rules


def _items(conditions: Value | None) -> tuple[tuple[str, str | None] | None, ...]:
    """`[{type: 'header', key, value?}, ...]`: (lower-case key, value or None) for each
    header item whose strings are known; None for any other item."""
    if conditions is None:
        return ()
    if not (conditions.known and isinstance(conditions.raw, tuple)):
        return (None,)
    items: list[tuple[str, str | None] | None] = []
    for item in conditions.raw:
        raw = item.raw if item.known and isinstance(item.raw, dict) else {}
        kind, key, value = raw.get("type"), raw.get("key"), raw.get("value")
        if (
            kind is not None
            and kind.raw == "header"
            and key is not None
            and key.known
            and isinstance(key.raw, str)
            and (value is None or (value.known and isinstance(value.raw, str)))
        ):
            items.append((key.raw.lower(), value.raw if value is not None else None))
        else:
            items.append(None)
    return tuple(items)


# -- Next.js --------------------------------------------------------------------------


def is_next_config(path: str) -> bool:
    return PurePosixPath(path).name in NEXT_CONFIG_NAMES


def next_config_policies(module: JsModule) -> list[CorsPolicy]:
    """The rules `headers()` returns in a next.config file."""
    policies: list[CorsPolicy] = []
    functions = _headers_functions(module)
    answers = options_answers(module.file.parent, module) if functions and module.file is not None else None
    for function in functions:
        exported = _static_export(module, function)
        for returned in _returned(function):
            rules = header_rules(module.resolve(returned))
            for pushed in pushed_entries(module, returned, function):
                added = header_rules(Value((pushed.entry,), pushed.entry.location))
                rules += [dataclasses.replace(rule, branch=pushed.branch) for rule in added]
            found = header_policies("nextjs_headers", module.path, rules, "Next.js headers()", answers)
            found = [empty_default_origins_unknown(policy) for policy in found]
            if exported is not None:
                found = [_never_sent(policy, exported) for policy in found]
            policies += found
    if policies and module.file is not None:
        bearer = bearer_evidence(module.file.parent, str(PurePosixPath(module.path).parent))
        policies = [dataclasses.replace(policy, evidence=(*policy.evidence, *bearer)) for policy in policies]
        policies = with_handler_routes(policies, module.file.parent, str(PurePosixPath(module.path).parent))
    return policies


def _static_export(module: JsModule, function: Node) -> Location | None:
    """Where the config object that holds `headers` sets `output: 'export'` (a value
    corslint cannot decide is not taken for it)."""
    holder = function.parent
    if holder is not None and holder.type == "pair":
        holder = holder.parent
    if holder is not None and holder.type != "object":
        holder = assigned_holder(module, function)
    if holder is None or holder.type != "object":
        return None
    for pair in holder.named_children:
        key = pair.child_by_field_name("key") if pair.type == "pair" else None
        value = pair.child_by_field_name("value") if key is not None else None
        if key is None or value is None or module.text(key).strip("'\"") != "output":
            continue
        resolved = module.resolve(value)
        if resolved.known and resolved.raw == "export":
            return module.location(value)
    return None


def _never_sent(policy: CorsPolicy, exported: Location) -> CorsPolicy:
    """A static export: `next build` applies no `headers()` ("rewrites, redirects, and
    headers are not applied when exporting your application", next 16.5.0), so the
    exported site sends none of them; only `next dev` does."""
    evidence = Evidence(
        "not-applied",
        "`output: 'export'` builds a static site, and Next.js applies no `headers()` to it: "
        "these CORS headers are sent by `next dev` only; set them where the files are served "
        "(vercel.json, netlify.toml, `_headers`, the web server)",
        exported,
        whole_layer=True,
    )
    return dataclasses.replace(policy, options={}, evidence=(*policy.evidence, evidence))


def _headers_functions(module: JsModule) -> list[Node]:
    found = []
    for node in module.of_kind("method_definition", "pair"):
        name = node.child_by_field_name("name") or node.child_by_field_name("key")
        if name is None or module.text(name).strip("'\"") != "headers":
            continue
        if node.type == "method_definition":
            found.append(node)
            continue
        value = node.child_by_field_name("value")
        function = module.function_node(value) if value is not None else None
        if function is not None:
            found.append(function)
    return found + assigned_headers_functions(module)


def _returned(function: Node) -> list[Node]:
    body = function.child_by_field_name("body")
    if body is None:
        return []
    if body.type != "statement_block":
        return [unwrap(body)]
    returned = []
    for node in walk(body):
        if node.type == "return_statement" and node.named_children:
            returned.append(node.named_children[0])
    return returned


def config_steps(module: JsModule) -> list[tuple[str, Value]] | None:
    """The CORS headers of every `headers()` rule as steps, in order, each conditioned on
    its `source` matching the request's path (and on its `has` / `missing`): what Next.js
    adds to a middleware's responses (`next_middleware`). None when a rule's conditions
    are not all evaluated (a cookie, a rule pushed under a condition)."""
    steps: list[tuple[str, Value]] = []
    for function in _headers_functions(module):
        if _static_export(module, function) is not None:
            continue
        for returned in _returned(function):
            if pushes_unread(module, returned, function):
                return None
            listed = module.resolve(returned)
            entries = [*(listed.raw if listed.known and isinstance(listed.raw, tuple) else [listed])]
            entries += [pushed.entry for pushed in pushed_entries(module, returned, function)]
            rules = header_rules(listed)
            for pushed in pushed_entries(module, returned, function):
                added = header_rules(Value((pushed.entry,), pushed.entry.location))
                rules += [dataclasses.replace(rule, branch=pushed.branch) for rule in added]
            if len(rules) != len(entries) or not listed.known:
                return None  # an entry it cannot read (its source unknown): it may match any path
            for rule in rules:
                conditions = _conditions("next", rule)
                if "?" in conditions.atoms or not _valid("next", rule.source):
                    return None
                # a rule added under a condition: whether it is there is not known
                unknown = ("?",) if rule.branch else ()
                for name, (value, _) in _cors_headers(rule, conditions).items():
                    when = [f"PATH:next:{rule.source}", *conditions.atoms, *unknown]
                    step = {
                        "value": value,
                        "writer": Value("set", value.location),
                        "when": Value(tuple(Value(atom, value.location) for atom in when), value.location),
                    }
                    steps.append((name, Value(step, value.location)))
    return steps
