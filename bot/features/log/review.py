"""The card that shows a finished draft before it is saved: Save, Edit or Cancel."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.actions import ActionStatus
from bot.domain.feasibility import assess, money
from bot.domain.text import parse_day
from bot.features.log.draft import ActionDraft, draft_field
from bot.features.log.rules import to_check
from bot.features.log.state import LogButton
from bot.messages import Button, ButtonStyle, Card, CardField


def review_card(turn: Turn, draft: ActionDraft) -> Card:
    def label_of(name: str, value: str) -> str:
        field = draft_field(turn.org, draft, name)
        return next((o.label for o in field.options if o.value == value), value or "-")

    when = parse_day(draft.occurred_on, turn.today)
    fields = [
        CardField("When", when.strftime("%a %d %b %Y") if when else draft.occurred_on),
        CardField("Customer's need", draft.customer_need),
        CardField("Routine offer", label_of("offer_item", draft.offer_item)),
        CardField("The extra", draft.extra),
        CardField("Done or idea", label_of("status", draft.status)),
        CardField("Situation", label_of("context", draft.context)),
        CardField("Approach", label_of("approach", draft.approach)),
    ]
    if draft.status == ActionStatus.DONE:
        fields += [
            CardField(
                "Customer knew it was extra", label_of("customer_aware", draft.customer_aware)
            ),
            CardField("How it went", draft.result),
        ]
    verdict = ""
    if draft.is_idea:
        check = to_check(draft)
        currency = turn.org.policy.staff_authority.currency
        fields += [
            CardField("Cost and time", f"{money(check.cost, currency)} · {check.minutes} min"),
            CardField("Within your authority?", check.within_authority.label),
            CardField("Within our guidelines?", check.within_guidelines.label),
            CardField("Within the regulations?", check.within_regulations.label),
            CardField("Affects other customers?", check.affects_others.label),
        ]
        outcome = assess(check, turn.org.policy.staff_authority)
        if outcome.go_ahead:
            verdict = "It's within your authority: saving lets you go ahead."
        else:
            fields.append(CardField("For your supervisor", draft.explanation))
            verdict = (
                "Saving sends it to your supervisor, because " + "; ".join(outcome.reasons) + "."
            )
    return Card(
        title="Check before I save it",
        text=verdict,
        fields=tuple(fields),
        buttons=(
            Button("Save", LogButton.SAVE, style=ButtonStyle.PRIMARY),
            Button("Edit", LogButton.EDIT),
            Button("Cancel", LogButton.CANCEL, style=ButtonStyle.DANGER),
        ),
    )
