"""Load the organisation file, reporting every problem with its file and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from bot.domain.org import Organisation, cross_check


@dataclass(frozen=True, slots=True)
class LocatedProblem:
    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


class OrgFileError(Exception):
    """The organisation file cannot be used; nothing should run on it."""

    def __init__(self, problems: list[LocatedProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def load_organisation(path: Path) -> Organisation:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise OrgFileError(
            [LocatedProblem(str(path), 0, f"cannot read: {error.strerror}")]
        ) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark else 0
        raise OrgFileError(
            [LocatedProblem(str(path), line, f"not valid YAML: {error.problem}")]
        ) from None
    if not isinstance(data, dict) or root is None:
        raise OrgFileError([LocatedProblem(str(path), 1, "expected a mapping at the top level")])
    try:
        org = Organisation.model_validate(data)
    except ValidationError as error:
        raise OrgFileError(
            [_locate(path, root, tuple(e["loc"]), _reason(e)) for e in error.errors()]
        ) from None
    problems = cross_check(org)
    if problems:
        raise OrgFileError([_locate(path, root, p.path, p.reason) for p in problems])
    return org


def _reason(error: object) -> str:
    assert isinstance(error, dict)
    where = ".".join(str(part) for part in error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _locate(path: Path, root: yaml.Node, loc: tuple[str | int, ...], reason: str) -> LocatedProblem:
    return LocatedProblem(str(path), _line_of(root, loc), reason)


def _line_of(root: yaml.Node, loc: tuple[str | int, ...]) -> int:
    """Walk the YAML node tree along a pydantic location; the deepest node found wins."""
    node = root
    for part in loc:
        child = _child(node, part)
        if child is None:
            break
        node = child
    return node.start_mark.line + 1


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                # A scalar is reported on its key's line; a block on its own first line.
                found: yaml.Node = key if isinstance(value, yaml.ScalarNode) else value
                return found
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        child: yaml.Node = node.value[part]
        return child
    return None
