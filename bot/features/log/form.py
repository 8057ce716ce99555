"""The log-action form, and for an idea the feasibility check's form after it."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.feasibility import money
from bot.features.general.offer_items import with_adopted_offer
from bot.features.log.draft import MAIN_FIELDS, ActionDraft, check_fields, draft_fields
from bot.features.log.review import review_card
from bot.features.log.rules import check_draft
from bot.features.log.state import current_draft, keep
from bot.messages import Form, Outbound

FORM_ID = "log-action"
CHECK_FORM_ID = "log-check"


async def open_form(turn: Turn) -> list[Outbound]:
    turn = await with_adopted_offer(turn)
    draft = await current_draft(turn) or ActionDraft(occurred_on="today")
    await keep(turn, "form", draft)
    return [action_form(turn, draft, {})]


def action_form(turn: Turn, draft: ActionDraft, errors: dict[str, str]) -> Form:
    return Form(
        form_id=FORM_ID,
        title="Log an extra-mile action",
        intro="Tell me what the customer needed and what you did beyond our routine offer.",
        fields=draft_fields(turn.org, draft),
        submit_label="Next",
        errors={k: v for k, v in errors.items() if k in MAIN_FIELDS},
    )


def check_form(turn: Turn, draft: ActionDraft, errors: dict[str, str]) -> Form:
    authority = turn.org.policy.staff_authority
    return Form(
        form_id=CHECK_FORM_ID,
        title="Check your idea",
        intro="Is it feasible? Inside your authority "
        f"({money(authority.max_cost, authority.currency)}, {authority.max_minutes} minutes) "
        "with no doubts, you can go ahead; otherwise I'll ask your supervisor for you.",
        fields=check_fields(turn.org, draft),
        submit_label="Review",
        errors={k: v for k, v in errors.items() if k not in MAIN_FIELDS},
    )


async def submit_form(turn: Turn, values: dict[str, str], form_id: str = FORM_ID) -> list[Outbound]:
    """Both forms: the action first; for an idea, then the feasibility check."""
    turn = await with_adopted_offer(turn)
    draft = (await current_draft(turn) or ActionDraft()).merged(values)
    errors = check_draft(turn.org, draft, turn.today)
    if any(name in MAIN_FIELDS for name in errors):
        await keep(turn, "form", draft)
        return [action_form(turn, draft, errors)]
    if errors:
        await keep(turn, "check", draft)
        # Coming from the first form, the check is shown clean; its own submit shows errors.
        return [check_form(turn, draft, errors if form_id == CHECK_FORM_ID else {})]
    await keep(turn, "review", draft)
    return [review_card(turn, draft)]
