"""The route table on its own: registration, lookup, the refusals, form ids with a record."""

from __future__ import annotations

from typing import Any

import pytest

from bot import routes as routes_module
from bot.context import Turn
from bot.domain.org import Organisation
from bot.domain.records import ConversationState
from bot.features.registry import route_table
from bot.messages import (
    ButtonClick,
    FormSubmission,
    Outbound,
    QuotedMessage,
    Refusal,
    Sender,
    Text,
    TextMessage,
)
from bot.routes import (
    OPEN_FORM,
    UNKNOWN_BUTTON,
    UNKNOWN_FORM,
    ActionId,
    Conversation,
    DuplicateRoute,
    FormId,
    RouteTable,
    form_about,
)
from tests.conftest import NOW

ASHA = Sender("console", "asha")


class Sample(ActionId):
    GO = "sample.go"
    OTHER = "sample.other"


@pytest.fixture
def turn(org: Organisation) -> Turn:
    person = org.person("asha")
    assert person is not None
    # The table never touches the unit of work itself, except to read a flow's state.
    return Turn(org=org, uow=None, now=NOW, today=NOW.date(), person=person)  # type: ignore[arg-type]


def _said(text: str) -> Any:
    async def handler(*_: object) -> list[Outbound]:
        return [Text(text)]

    return handler


async def _run(table: RouteTable, inbound: Any, turn: Turn) -> list[Outbound]:
    return await table.find(inbound)(turn)


def test_a_button_registered_twice_is_an_error() -> None:
    table = RouteTable()
    table.click(Sample.GO, _said("first"))
    with pytest.raises(DuplicateRoute, match=r"sample\.go"):
        table.click(Sample.GO, _said("second"))


def test_forms_commands_and_hooks_registered_twice_are_errors() -> None:
    table = RouteTable()
    table.form("thing", _said("a"))
    with pytest.raises(DuplicateRoute):
        table.form("thing", _said("b"), with_param=True)
    table.command("go", handler=_said("a"))
    with pytest.raises(DuplicateRoute):
        table.command("GO", handler=_said("b"))
    table.fallback(_nothing)
    with pytest.raises(DuplicateRoute):
        table.fallback(_nothing)
    with pytest.raises(DuplicateRoute):  # the table's own button
        table.click(OPEN_FORM, _said("mine"))


async def test_an_unknown_button_is_refused(turn: Turn) -> None:
    table = RouteTable()
    table.click(Sample.GO, _said("went"))
    assert await _run(table, ButtonClick(ASHA, "sample.go", "", "k1"), turn) == [Text("went")]
    refused = await _run(table, ButtonClick(ASHA, "sample.gone", "", "k2"), turn)
    assert refused == [Refusal(UNKNOWN_BUTTON)]


async def test_an_unknown_form_gets_a_polite_answer(turn: Turn) -> None:
    table = RouteTable()
    table.form("plain", _said("plain"))
    submitted = FormSubmission(ASHA, "nope", {}, "k1")
    assert await _run(table, submitted, turn) == [Text(UNKNOWN_FORM)]
    # A form without a record does not take one.
    with_record = FormSubmission(ASHA, "plain:12", {}, "k2")
    assert await _run(table, with_record, turn) == [Text(UNKNOWN_FORM)]
    opened = ButtonClick(ASHA, OPEN_FORM, "nope", "k3")
    assert await _run(table, opened, turn) == [Refusal(UNKNOWN_BUTTON)]


async def test_a_form_id_with_a_record_is_parsed_by_the_table(turn: Turn) -> None:
    seen: list[tuple[FormId, dict[str, str]]] = []

    async def submit(turn: Turn, form: FormId, values: dict[str, str]) -> list[Outbound]:
        seen.append((form, values))
        return [Text(f"about {form.param}")]

    async def opens(turn: Turn, form: FormId) -> list[Outbound]:
        return [Text(f"opened {form.param}")]

    table = RouteTable()
    table.form("follow-up", submit, opens=opens, with_param=True)
    wire = form_about("follow-up", 123)
    assert wire == "follow-up:123"
    reply = await _run(table, FormSubmission(ASHA, wire, {"note": "ok"}, "k1"), turn)
    assert reply == [Text("about 123")]
    assert seen == [(FormId("follow-up", "123"), {"note": "ok"})]
    assert str(seen[0][0]) == wire
    opened = await _run(table, ButtonClick(ASHA, OPEN_FORM, wire, "k2"), turn)
    assert opened == [Text("opened 123")]
    # The open button must name the record.
    bare = await _run(table, ButtonClick(ASHA, OPEN_FORM, "follow-up", "k3"), turn)
    assert bare == [Refusal(UNKNOWN_BUTTON)]


async def test_a_re_sent_click_gets_its_replay_or_nothing(turn: Turn) -> None:
    table = RouteTable()
    table.click(Sample.GO, _said("went"), replay=_said("as it is now"))
    table.click(Sample.OTHER, _said("other"))
    again = table.replay(ButtonClick(ASHA, "sample.go", "7", "k1"))
    assert await again(turn) == [Text("as it is now")]
    assert await table.replay(ButtonClick(ASHA, "sample.other", "", "k2"))(turn) == []
    assert await table.replay(TextMessage(ASHA, "hi", "k3"))(turn) == []


async def test_typed_commands_and_a_flow_waiting_for_an_answer(
    turn: Turn, monkeypatch: pytest.MonkeyPatch
) -> None:
    state: ConversationState | None = None

    async def load_state(uow: object, person_id: str) -> ConversationState | None:
        return state

    monkeypatch.setattr(routes_module, "load_state", load_state)
    table = RouteTable()
    table.command("help", handler=_said("help"))
    table.command("my data", handler=_said("my data"))
    table.command("my", handler=_said("my"))
    table.command("stop", handler=_said("stopped"), interrupts=True)
    table.fallback(_what)
    table.conversation(
        Conversation(
            "quiz",
            "doing a quiz",
            waiting=lambda s: s.step.startswith("ask:"),
            answer=lambda turn, s, text: _said(f"answer {text}")(),
            resume=lambda turn, s: _said("the question again")(),
        )
    )

    async def say(text: str) -> list[str]:
        replies = await _run(table, TextMessage(ASHA, text, "k"), turn)
        return [r.text for r in replies if isinstance(r, Text)]

    assert await say("/My DATA") == ["my data"]
    assert await say("my stuff") == ["my"]
    assert await say("nonsense") == ["what?"]
    state = ConversationState("quiz", "ask:colour", {})
    assert await say("my data") == ["answer my data"]
    assert await say("help") == ["help", "the question again"]
    assert await say("stop") == ["stopped"]
    state = ConversationState("quiz", "review", {})
    assert await say("nonsense") == [
        "We're in the middle of doing a quiz; here's where we were.",
        "the question again",
    ]


def test_every_feature_button_is_routed_once() -> None:
    table = route_table()  # raises if anything is registered twice
    declared = {member.value for kind in _subclasses(ActionId) for member in kind}
    declared -= {Sample.GO, Sample.OTHER}
    assert declared, "the features declare their buttons as ActionId enums"
    assert declared <= table.buttons()


def test_a_quoted_message_needs_its_feature(turn: Turn) -> None:
    with pytest.raises(LookupError):
        RouteTable().find(QuotedMessage(ASHA, "words", None, "k"))


def _subclasses(kind: type[ActionId]) -> list[type[ActionId]]:
    found = []
    for sub in kind.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


async def _nothing(turn: object, text: str) -> list[Outbound]:
    return []


async def _what(turn: object, text: str) -> list[Outbound]:
    return [Text("what?")]
