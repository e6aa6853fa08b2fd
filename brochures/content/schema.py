"""YAML mappings with line numbers, checked field by field against a known set of keys.

Shared by the site settings and the front matter, so both report problems the same way:
one `Problem` per wrong field, naming the file and the line of the key.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml
from yaml.constructor import SafeConstructor
from yaml.reader import ReaderError

from brochures.content.limits import DEFAULT_LIMITS
from brochures.files import FileRefused, read_inside
from brochures.problems import ContentError, Problem, did_you_mean

FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, when PyYAML was built with it
LANG_RE = re.compile(r"^[a-z]{2,3}$")
# A language tag (BCP 47) as text in another language may carry: fr, en-CA, zh-Hant, es-419.
LANG_TAG_RE = re.compile(r"^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$")
TOPIC_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TERM_RE = re.compile(r"^[^\W_]+(?:-[^\W_]+)*$")  # one word, hyphens allowed: PD-L1, nivolumab
# PyYAML builds values that only look typed with plain Python calls, which fail on
# `2026-02-30` (no such day) or `0x_`: these are input problems, not crashes.
CONSTRUCTOR_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError)
# What PyYAML was reading when it found a problem that began earlier, where the author must look.
LATE_CONTEXTS = ("while parsing a flow", "while scanning a simple key", "while scanning a quoted scalar")


@dataclass
class Mapping:
    """A parsed YAML mapping that remembers where each key is, to point problems at it."""

    path: Path
    data: dict[str, Any]
    lines: dict[str, int]
    start_line: int
    problems: list[Problem] = field(default_factory=list)
    nodes: dict[str, yaml.Node] = field(default_factory=dict)  # key → its value's node, for nested mappings
    text_line: int = 1  # file line of the first line of the parsed text (node marks count from it)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.start_line)

    def child(self, key: str) -> Mapping | None:
        """The mapping under `key`, knowing the file lines of its own keys; None if it is not one.

        Its problems go to this mapping's list, so that one file's problems are reported together.
        """
        node, value = self.nodes.get(key), self.data.get(key)
        if not isinstance(node, yaml.MappingNode) or not isinstance(value, dict):
            return None
        lines = {str(k.value): self.text_line + k.start_mark.line for k, _ in node.value}
        nodes = {str(k.value): v for k, v in node.value}
        return Mapping(self.path, {str(k): v for k, v in value.items()}, lines, self.line_of(key),
                       self.problems, nodes, self.text_line)

    def error(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.path, message, self.line_of(key)))

    def check_keys(self, known: Iterable[str], what: str) -> None:
        known = set(known)
        for key in self.data:
            if key not in known:
                self.error(key, f"{what}: unknown key '{key}' ({did_you_mean(key, known)})")

    def text(self, key: str, what: str, required: bool = False) -> str | None:
        """A text value; YAML's surprises (yes → true, 2026-01-01 → date) are reported."""
        if key not in self.data or self.data[key] is None:
            if required:
                self.problems.append(
                    Problem(self.path, f"{what}: '{key}' is required", self.start_line)
                )
            return None
        return as_text(self, key, self.data[key], what, required)


def as_text(mapping: Mapping, key: str, value: Any, what: str, required: bool) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        mapping.error(key, f"{what}: '{key}' must be text; put the value in quotes")
        return None
    text = str(value).strip()
    if required and not text:
        mapping.error(key, f"{what}: '{key}' must not be empty")
        return None
    return text or None


def read_text(path: Path, root: Path, max_bytes: int = DEFAULT_LIMITS.markdown_bytes, hint: str = "") -> str:
    """Read a UTF-8 source file inside `root` (a byte-order mark is tolerated, other encodings are not).

    A symlink out of `root`, a FIFO, a device or a file over `max_bytes` is refused unopened.
    """
    try:
        data = read_inside(path, [root], max_bytes, hint)
    except FileRefused as exc:
        raise ContentError(Problem(path, exc.reason)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError(Problem(path, "not UTF-8 text; save the file as UTF-8", line)) from None


class _AliasFound(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader, refusing aliases: `*name` can multiply a few lines into gigabytes."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            raise _AliasFound(self.peek_event().start_mark.line)
        return super().compose_node(parent, index)  # type: ignore[no-any-return]


def parse_mapping(text: str, path: Path, first_line: int, what: str,
                  max_value: int = DEFAULT_LIMITS.value_chars) -> Mapping:
    """Parse YAML `text` that starts at file line `first_line`; it must be a mapping.

    Only safe YAML is accepted (no Python objects). Raises `ContentError` with the file line
    of a syntax error or of a value YAML cannot build: PyYAML counts from 0 within the text
    it was given. A key given twice is a problem of the mapping, since YAML keeps the last.
    Aliases are refused and a value longer than `max_value` characters is an error.
    """
    node: yaml.Node | None = None
    try:
        node = _compose(text)
        long_value = _long_scalar(node, max_value)
        if long_value is not None:
            raise ContentError(Problem(
                path, f"{what}: a value of {len(long_value.value)} characters is too long "
                      f"(limit {max_value} characters; raise 'limits: value_chars' in site.yaml if it is needed)",
                first_line + long_value.start_mark.line))
        data = SafeConstructor().construct_document(node) if node is not None else None
    except _AliasFound as exc:
        raise ContentError(Problem(path, f"{what}: YAML aliases (*name) are not allowed; write the value out "
                                         "in full", first_line + exc.line)) from None
    except yaml.YAMLError as exc:
        raise ContentError(_syntax_problem(exc, text, path, first_line, what)) from None
    except CONSTRUCTOR_ERRORS as exc:
        bad = _unbuildable_scalar(node)
        line = first_line + bad.start_mark.line if bad is not None else first_line
        value = f" '{bad.value}'" if bad is not None else ""
        detail = f" ({exc})" if isinstance(exc, ValueError) else ""  # others say nothing to an author
        raise ContentError(Problem(
            path, f"{what}: cannot read the value{value}{detail}; correct it, or put it in quotes", line
        )) from None
    except RecursionError:
        raise ContentError(Problem(path, f"{what}: nested too deeply to be read", first_line)) from None
    if data is None:
        data, node = {}, None
    if not isinstance(data, dict) or not isinstance(node, (yaml.MappingNode, type(None))):
        raise ContentError(
            Problem(path, f"{what}: expected 'key: value' lines, got a {type(data).__name__}", first_line)
        )
    lines: dict[str, int] = {}
    nodes: dict[str, yaml.Node] = {}
    problems: list[Problem] = []
    if node is not None:
        for key_node, value_node in node.value:
            key, line = str(key_node.value), first_line + key_node.start_mark.line
            nodes[key] = value_node
            if key in lines:  # YAML keeps the last one silently; the author meant one of them
                problems.append(Problem(path, f"{what}: '{key}' is given twice (also on line {lines[key]}); "
                                              "keep one", line))
            lines[key] = line
    return Mapping(path, {str(k): v for k, v in data.items()}, lines, first_line, problems, nodes, first_line)


def _compose(text: str) -> yaml.Node | None:
    """YAML's node tree, read by libyaml when it is there (twenty times faster: a catalogue of
    hundreds of topics loads in a blink). Text that could hold an alias (`&`, `*`), and a syntax
    error, are read by PyYAML, which refuses aliases and whose words and positions problems use."""
    if "&" not in text and "*" not in text and FAST_LOADER is not yaml.SafeLoader:
        try:
            return yaml.compose(text, Loader=FAST_LOADER)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=_NoAliasLoader)


def _syntax_problem(exc: yaml.YAMLError, text: str, path: Path, first_line: int, what: str) -> Problem:
    """Locate a YAML error where the author must look, not where PyYAML gave up.

    An unclosed bracket or quote is noticed on a later line or at the end of the text, and a
    key without its colon on the next line: point at where that construct began instead.
    """
    mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    context = getattr(exc, "context", None) or ""
    if mark is not None and context_mark is not None and (
        mark.index >= len(text.rstrip()) or context.startswith(LATE_CONTEXTS)
    ):
        mark = context_mark
    if mark is not None:
        line = first_line + mark.line
    elif isinstance(exc, ReaderError):  # a control character: only its position is known
        line = first_line + text[: exc.position].count("\n")
    else:
        line = first_line
    reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return Problem(path, f"{what}: invalid YAML: {reason}; check quotes, colons and indentation", line)


def _scalars(node: yaml.Node | None) -> Iterator[yaml.ScalarNode]:
    """Every scalar (keys and values) in document order, each node once (aliases may make loops)."""
    pending: list[yaml.Node | None] = [node]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.ScalarNode):
            yield current
        elif isinstance(current, yaml.SequenceNode):
            pending.extend(reversed(current.value))
        elif isinstance(current, yaml.MappingNode):
            pending.extend(reversed([child for pair in current.value for child in pair]))


def _long_scalar(node: yaml.Node | None, max_value: int) -> yaml.ScalarNode | None:
    """The first scalar (a key or a value) longer than `max_value` characters."""
    return next((scalar for scalar in _scalars(node) if len(scalar.value) > max_value), None)


def _unbuildable_scalar(node: yaml.Node | None) -> yaml.ScalarNode | None:
    """The first scalar PyYAML fails to build, to name its line."""
    for scalar in _scalars(node):
        try:
            SafeConstructor().construct_object(scalar)
        except CONSTRUCTOR_ERRORS:
            return scalar
    return None


def as_date(mapping: Mapping, key: str, what: str) -> datetime.date | None:
    value = mapping.data.get(key)
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        mapping.error(key, f"{what}: '{key}' must be a date written YYYY-MM-DD, got '{value}'")
        return None


def as_list(mapping: Mapping, key: str, what: str) -> list[Any]:
    value = mapping.data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        mapping.error(key, f"{what}: '{key}' must be a list (one '- item' per line)")
        return []
    return value


def is_web_url(value: str) -> bool:
    return re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE) is not None

