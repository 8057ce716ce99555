"""The two forms: a done deed (one screen, saved on submit) and an idea (what feasibility
needs, sent on to the supervisor on submit when it needs their OK). A form sent back
with errors keeps everything typed, in the flow's state too."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.actions import ActionStatus
from bot.features.general.offer_items import with_adopted_offer
from bot.features.log.draft import ActionDraft, deed_fields, idea_fields
from bot.features.log.rules import check_draft
from bot.features.log.save import save_deed, save_idea
from bot.features.log.state import current_draft, keep
from bot.messages import Form, Outbound

FORM_ID = "log-action"
IDEA_FORM_ID = "log-idea"


async def open_form(turn: Turn) -> list[Outbound]:
    """The deed form, with whatever a sent-back form held."""
    turn = await with_adopted_offer(turn)
    draft = await current_draft(turn)
    if draft is not None and draft.is_idea:
        return [idea_form(turn, draft, {})]
    return [deed_form(turn, draft or ActionDraft(occurred_on=turn.today.isoformat()), {})]


async def open_idea(turn: Turn) -> list[Outbound]:
    turn = await with_adopted_offer(turn)
    draft = await current_draft(turn)
    if draft is None or not draft.is_idea:
        draft = ActionDraft(status=ActionStatus.PROPOSED)
    return [idea_form(turn, draft, {})]


def deed_form(turn: Turn, draft: ActionDraft, errors: dict[str, str]) -> Form:
    learner = turn.person.learner
    return Form(
        form_id=FORM_ID,
        title="Log an extra mile",
        intro="" if not learner else "The choices and questions at the end are for your portfolio.",
        fields=deed_fields(turn.org, draft, learner=learner),
        submit_label="Save",
        errors=errors,
    )


def idea_form(turn: Turn, draft: ActionDraft, errors: dict[str, str]) -> Form:
    return Form(
        form_id=IDEA_FORM_ID,
        title="Propose an idea",
        intro="Inside your authority with every box ticked, you can go ahead. Otherwise "
        "I'll ask your supervisor for you.",
        fields=idea_fields(turn.org, draft),
        submit_label="Send",
        errors=errors,
    )


async def submit_deed(turn: Turn, values: dict[str, str]) -> list[Outbound]:
    turn = await with_adopted_offer(turn)
    draft = ActionDraft().merged(values)
    errors = check_draft(turn.org, draft, turn.today, learner=turn.person.learner)
    if errors:
        await keep(turn, "form", draft)
        return [deed_form(turn, draft, errors)]
    return await save_deed(turn, draft)


async def submit_idea(turn: Turn, values: dict[str, str]) -> list[Outbound]:
    turn = await with_adopted_offer(turn)
    draft = ActionDraft(status=ActionStatus.PROPOSED).merged(values)
    errors = check_draft(turn.org, draft, turn.today)
    if errors:
        await keep(turn, "idea", draft)
        return [idea_form(turn, draft, errors)]
    return await save_idea(turn, draft)
