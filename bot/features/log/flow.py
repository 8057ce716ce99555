"""Log an extra-mile action: a form (form.py), or the quick `log <line>` path (quick.py),
then review (review.py) and save, edit or cancel here; and the flow's routes.

State between turns lives in the database (flow "log", state.py), so a conversation
resumes after a restart and on any worker.
"""

from __future__ import annotations

from bot.context import Turn
from bot.domain.actions import NOT_COVERED
from bot.domain.records import ConversationState
from bot.domain.redaction import redact
from bot.features.approvals import request as approvals
from bot.features.general.flow import Menu
from bot.features.general.offer_items import with_adopted_offer
from bot.features.log import cancel as cancelling
from bot.features.log.cancel import cancel
from bot.features.log.draft import MAIN_FIELDS, ActionDraft
from bot.features.log.form import (
    CHECK_FORM_ID,
    FORM_ID,
    action_form,
    check_form,
    open_form,
    submit_form,
)
from bot.features.log.quick import answer_clicked, start_quick
from bot.features.log.rules import check_draft, to_check, to_checked
from bot.features.log.state import FLOW, LogButton, current_draft, keep
from bot.features.nominations.practices import ask_practice
from bot.messages import Button, Card, Outbound, Text
from bot.routes import Conversation, RouteTable
from storage.actions import add_action, count_actions
from storage.conversations import clear_state, load_state
from storage.events import audit


async def save(turn: Turn) -> list[Outbound]:
    turn = await with_adopted_offer(turn)
    state = await load_state(turn.uow, turn.person.id)
    if state is None or state.flow != FLOW or state.step != "review":
        return [Text("There's nothing waiting to be saved. It may already be saved: try `mine`.")]
    draft = ActionDraft.model_validate(state.data)
    errors = check_draft(turn.org, draft, turn.today)
    if any(name in MAIN_FIELDS for name in errors):
        await keep(turn, "form", draft)
        return [action_form(turn, draft, errors)]
    if errors:
        await keep(turn, "check", draft)
        return [check_form(turn, draft, errors)]
    checked = to_checked(draft, turn.today)
    if draft.is_idea:
        await clear_state(turn.uow, turn.person.id)
        explanation = redact(draft.explanation)  # stored, and quoted to the supervisor
        return await approvals.submit_idea(turn, checked, to_check(draft), explanation)
    action = await add_action(turn.uow, turn.person.id, checked)
    await audit(
        turn.uow,
        actor_id=turn.person.id,
        action="action.logged",
        subject_type="action",
        subject_id=str(action.id),
    )
    await clear_state(turn.uow, turn.person.id)
    total = await count_actions(turn.uow, turn.person.id)
    beyond = "" if checked.offer_item_id != NOT_COVERED else "It goes beyond anything in our offer."
    practice = await ask_practice(turn, action.id, action.extra)
    return [
        Card(
            title=f"Saved: your {_ordinal(total)} extra-mile action. Thank you!",
            text=beyond,
            buttons=(Button("My actions", Menu.MINE), Button("Log another", Menu.LOG)),
        ),
        *practice,
    ]


async def edit(turn: Turn) -> list[Outbound]:
    if await current_draft(turn) is None:
        return [Text("There's nothing to edit right now. Say `log` to start a new one.")]
    return await open_form(turn)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# --- routes -------------------------------------------------------------------------------------


async def _log_command(turn: Turn, rest: str) -> list[Outbound]:
    turn = await with_adopted_offer(turn)
    return await start_quick(turn, rest) if rest else await open_form(turn)


async def _answer_clicked(turn: Turn, value: str) -> list[Outbound]:
    return await answer_clicked(await with_adopted_offer(turn), value)


async def _answer(turn: Turn, state: ConversationState, reply: str) -> list[Outbound]:
    return await cancelling.answer(await with_adopted_offer(turn), state, reply)


async def _resume(turn: Turn, state: ConversationState) -> list[Outbound]:
    return await cancelling.resume(await with_adopted_offer(turn), state)


def register(routes: RouteTable) -> None:
    routes.click(Menu.LOG, lambda turn, _: open_form(turn))
    routes.click(LogButton.ANSWER, _answer_clicked)
    routes.click(LogButton.SAVE, lambda turn, _: save(turn))
    routes.click(LogButton.EDIT, lambda turn, _: edit(turn))
    routes.click(LogButton.CANCEL, lambda turn, _: cancel(turn))
    routes.click(LogButton.CANCEL_YES, lambda turn, _: cancelling.confirmed(turn))
    routes.click(LogButton.KEEP_GOING, lambda turn, _: cancelling.keep_going(turn))
    routes.form(
        FORM_ID,
        lambda turn, _, values: submit_form(turn, values, FORM_ID),
        opens=lambda turn, _: open_form(turn),
    )
    routes.form(CHECK_FORM_ID, lambda turn, _, values: submit_form(turn, values, CHECK_FORM_ID))
    routes.command("log", handler=_log_command)
    routes.command("cancel", "stop", handler=lambda turn, _: cancel(turn), interrupts=True)
    routes.conversation(
        Conversation(
            FLOW,
            "logging an action",
            waiting=cancelling.waiting,
            answer=_answer,
            resume=_resume,
        )
    )
