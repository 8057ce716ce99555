"""Managers keep the practices tidy (issue 17): `practices` lists them (with Rename, Merge
and Split buttons for managers), and three forms, also typed as `rename practice`,
`merge practices` and `split practice`: a manager's own wording for a title, two
practices made one (their counts summed, an open nomination's counts brought up to date),
and one deed taken out of a practice into one of its own (the edits themselves: edits.py)."""

from __future__ import annotations

from dataclasses import replace

from bot.context import Turn
from bot.domain.ids import parse_id
from bot.domain.names import person_name
from bot.domain.org import Role
from bot.domain.text import clean, shorten
from bot.features.nominations import edits
from bot.features.nominations.practices import button_title
from bot.features.nominations.titles import MAX_TITLE
from bot.messages import (
    Button,
    Card,
    Choice,
    FieldKind,
    Form,
    FormField,
    Outbound,
    Refusal,
    Text,
)
from bot.routes import OPEN_FORM, FormId, RouteTable
from storage.practice_edits import splittable
from storage.practices import practices

RENAME_FORM = "practice-rename"
MERGE_FORM = "practice-merge"
SPLIT_FORM = "practice-split"
ONLY_MANAGERS = "Only a manager can rename, merge or split practices."
LISTED = 25


async def show_practices(turn: Turn) -> list[Outbound]:
    known = sorted(await practices(turn.uow, examples=0), key=lambda p: (-p.times, p.id))
    if not known:
        return [Text("No practices yet: they start as people log their extra miles.")]
    lines = [f"• {button_title(p.title)}: {_deeds(p.times)}" for p in known[:LISTED]]
    if len(known) > LISTED:
        lines.append(f"and {len(known) - LISTED} more")
    manager = turn.person.role is Role.MANAGER
    buttons = (
        Button("Rename", OPEN_FORM, RENAME_FORM),
        Button("Merge two", OPEN_FORM, MERGE_FORM),
        Button("Split a deed out", OPEN_FORM, SPLIT_FORM),
    )
    return [
        Card(
            title=f"Our practices ({len(known)})",
            text="\n".join(lines),
            buttons=buttons if manager else (),
        )
    ]


async def rename_form(turn: Turn, _: FormId | None = None) -> list[Outbound]:
    if turn.person.role is not Role.MANAGER:
        return [Refusal(ONLY_MANAGERS)]
    fields = (
        FormField("practice", "Which practice?", FieldKind.CHOICE, options=await _choices(turn)),
        FormField("title", "Its new name", FieldKind.TEXT, max_length=MAX_TITLE),
    )
    return [Form(RENAME_FORM, "Rename a practice", fields, "Rename")]


async def merge_form(turn: Turn, _: FormId | None = None) -> list[Outbound]:
    if turn.person.role is not Role.MANAGER:
        return [Refusal(ONLY_MANAGERS)]
    options = await _choices(turn)
    fields = (
        FormField("practice", "Merge this practice…", FieldKind.CHOICE, options=options),
        FormField("into", "…into this one (its name stays)", FieldKind.CHOICE, options=options),
    )
    intro = "Their deeds are counted together from now on."
    return [Form(MERGE_FORM, "Merge two practices", fields, "Merge", intro=intro)]


async def split_form(turn: Turn, _: FormId | None = None) -> list[Outbound]:
    if turn.person.role is not Role.MANAGER:
        return [Refusal(ONLY_MANAGERS)]
    options = tuple(
        Choice(str(a), shorten(f"{person_name(turn.org, p)}, {day:%-d %b}: {words}", 75))
        for a, p, day, words, _ in await splittable(turn.uow)
    )
    if not options:
        return [Text("No practice has more than one deed yet: there is nothing to split.")]
    field = FormField(
        "action", "Which deed is a different kind?", FieldKind.CHOICE, options=options
    )
    intro = "It becomes a practice of its own, named after its words."
    return [Form(SPLIT_FORM, "Split a deed out", (field,), "Split", intro=intro)]


async def submit_rename(turn: Turn, _: FormId, values: dict[str, str]) -> list[Outbound]:
    if turn.person.role is not Role.MANAGER:
        return [Refusal(ONLY_MANAGERS)]
    practice, title = parse_id(values.get("practice", "")), clean(values.get("title", ""))
    if not title or len(title) > MAX_TITLE:
        error = f"A short name, up to {MAX_TITLE} characters."
        return _with_error(await rename_form(turn), "title", error)
    if practice is None:
        return [Refusal("I can't find that practice.")]
    return _told(await edits.rename(turn, practice, title, turn.person.id))


async def submit_merge(turn: Turn, _: FormId, values: dict[str, str]) -> list[Outbound]:
    if turn.person.role is not Role.MANAGER:
        return [Refusal(ONLY_MANAGERS)]
    source, target = parse_id(values.get("practice", "")), parse_id(values.get("into", ""))
    if source is None or target is None or source == target:
        error = "Pick two different practices."
        return _with_error(await merge_form(turn), "into", error)
    return _told(await edits.merge(turn, source, target, turn.person.id))


async def submit_split(turn: Turn, _: FormId, values: dict[str, str]) -> list[Outbound]:
    if turn.person.role is not Role.MANAGER:
        return [Refusal(ONLY_MANAGERS)]
    action = parse_id(values.get("action", ""))
    if action is None:
        return [Refusal("That deed is not in a practice with others (split already?).")]
    return _told(await edits.split(turn, action, turn.person.id))


def _told(edited: edits.Edited) -> list[Outbound]:
    return [Text(edited.said) if edited.done else Refusal(edited.said)]


async def _choices(turn: Turn) -> tuple[Choice, ...]:
    known = sorted(await practices(turn.uow, examples=0), key=lambda p: (-p.times, p.id))
    return tuple(Choice(str(p.id), f"{button_title(p.title)} ({_deeds(p.times)})") for p in known)


def _with_error(replies: list[Outbound], field: str, error: str) -> list[Outbound]:
    return [replace(r, errors={field: error}) if isinstance(r, Form) else r for r in replies]


def _deeds(times: int) -> str:
    return "1 deed" if times == 1 else f"{times} deeds"


def register(routes: RouteTable) -> None:
    routes.form(RENAME_FORM, submit_rename, opens=rename_form)
    routes.form(MERGE_FORM, submit_merge, opens=merge_form)
    routes.form(SPLIT_FORM, submit_split, opens=split_form)
    routes.command("practices", handler=lambda turn, _: show_practices(turn))
    routes.command("rename practice", handler=lambda turn, _: rename_form(turn))
    routes.command("merge practices", handler=lambda turn, _: merge_form(turn))
    routes.command("split practice", handler=lambda turn, _: split_form(turn))
