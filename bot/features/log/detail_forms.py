"""The two short forms a saved deed's card opens: the customer's need (and how it went),
for a one-line deed; and the whole routine offer, when the likely items were not it."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.redaction import redact
from bot.domain.text import clean, shorten
from bot.features.general.offer_items import with_adopted_offer
from bot.features.log.details import NEED_FORM, OTHER_OFFER_FORM, apply, own_deed
from bot.features.log.draft import MAX_TEXT, offer_choices
from bot.messages import FieldKind, Form, FormField, Outbound, Refusal
from bot.routes import FormId, form_about
from storage.action_details import DeedDetails, DetailChange


async def open_need(turn: Turn, form: FormId) -> list[Outbound]:
    deed = await own_deed(turn, form.param)
    return [deed] if isinstance(deed, Refusal) else [_need_form(deed, {}, {})]


def _need_form(deed: DeedDetails, values: dict[str, str], errors: dict[str, str]) -> Form:
    return Form(
        form_id=form_about(NEED_FORM, deed.action_id),
        title="The customer's need",
        intro=shorten(deed.extra, 300),
        submit_label="Save",
        errors=errors,
        fields=(
            FormField(
                "customer_need",
                "What did the customer need?",
                FieldKind.LONG_TEXT,
                value=values.get("customer_need", deed.customer_need),
                max_length=MAX_TEXT,
            ),
            FormField(
                "result",
                "How did it go?",
                FieldKind.LONG_TEXT,
                required=False,
                value=values.get("result", deed.result),
                max_length=MAX_TEXT,
            ),
        ),
    )


async def submit_need(turn: Turn, form: FormId, values: dict[str, str]) -> list[Outbound]:
    deed = await own_deed(turn, form.param)
    if isinstance(deed, Refusal):
        return [deed]
    need, result = clean(values.get("customer_need", "")), clean(values.get("result", ""))
    errors = {}
    if not need:
        errors["customer_need"] = "Please tell me the customer's need."
    for name, text in (("customer_need", need), ("result", result)):
        if len(text) > MAX_TEXT:
            errors[name] = f"That's {len(text):,} characters; please keep it under {MAX_TEXT:,}."
    if errors:
        return [_need_form(deed, values, errors)]
    change = DetailChange(customer_need=redact(need), result=redact(result) if result else None)
    return await apply(turn, form.param, change)


async def open_offer(turn: Turn, form: FormId) -> list[Outbound]:
    turn = await with_adopted_offer(turn)
    deed = await own_deed(turn, form.param)
    if isinstance(deed, Refusal):
        return [deed]
    field = FormField(
        "offer_item",
        "Which part of our routine offer does it go beyond?",
        FieldKind.CHOICE,
        options=offer_choices(turn.org),
    )
    return [
        Form(
            form_about(OTHER_OFFER_FORM, deed.action_id),
            "Our routine offer",
            (field,),
            "Save",
            intro=shorten(deed.extra, 300),
        )
    ]


async def submit_offer(turn: Turn, form: FormId, values: dict[str, str]) -> list[Outbound]:
    turn = await with_adopted_offer(turn)
    chosen = values.get("offer_item", "")
    if chosen not in {c.value for c in offer_choices(turn.org)}:
        return [Refusal("Pick one of the offer's items, or 'Not covered'.")]
    return await apply(turn, form.param, DetailChange(offer_item_id=chosen))
