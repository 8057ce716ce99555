"""A saved deed's card: thanks, and the details the standard's evidence needs, one tap
each (the situation, procedure or initiative, whether the customer knew, the offer
item), each saved at once and the card updated in place; the customer's need, when a
one-line deed left it out, is a short form away."""

from __future__ import annotations

from bot.context import Turn
from bot.domain.actions import NOT_COVERED, UNSAID_OFFER, Approach, Context
from bot.domain.ids import parse_id
from bot.domain.offer_matching import likely_items
from bot.domain.text import shorten
from bot.features.general.flow import Menu
from bot.features.log.state import LogButton
from bot.features.portfolio.words import words_button
from bot.messages import Button, ButtonRow, Card, CardField, CardUpdate, Outbound, Refusal
from bot.routes import OPEN_FORM, form_about
from storage.action_details import DeedDetails, DetailChange, deed_details, set_details
from storage.events import audit

NEED_FORM = "log-need"
OTHER_OFFER_FORM = "log-offer"
NOT_YOURS = "Those details are for the person who logged it."
UNKNOWN = "I can't find that action. It may have been erased."
_SITUATIONS = {
    Context.ROUTINE: "Routine",
    Context.BUSY: "Busy time",
    Context.QUIET: "Quiet time",
    Context.LET_DOWN: "Let down",
}
_APPROACHES = {Approach.PROCEDURE: "Procedure", Approach.INITIATIVE: "My own initiative"}
_OFFER_LABEL = 40


def card_key(action_id: int) -> str:
    return f"deed:{action_id}"


def details_card(turn: Turn, deed: DeedDetails, title: str, *, learner: bool) -> Card:
    rows = _missing_rows(turn, deed)
    if not rows and deed.customer_need:
        text = "All the details are in. Thank you!"
    elif not rows:
        text = "One thing left: what the customer needed."
    elif learner:
        text = "Your portfolio needs these too; each is one tap and saved at once."
    else:
        text = "Add any details with one tap each; they help show what works."
    buttons: tuple[Button, ...] = (Button("My actions", Menu.MINE), Button("Log another", Menu.LOG))
    if learner:  # their own words, for the portfolio, at any time
        buttons = (words_button(deed.action_id), *buttons)
    if not deed.customer_need:
        need = Button("Add the customer's need", OPEN_FORM, form_about(NEED_FORM, deed.action_id))
        buttons = (need, *buttons)
    return Card(
        title=title,
        text=text,
        fields=_given(turn, deed),
        rows=rows,
        buttons=buttons,
        card_key=card_key(deed.action_id),
    )


def _given(turn: Turn, deed: DeedDetails) -> tuple[CardField, ...]:
    fields = [CardField("What you did", deed.extra)]
    if deed.customer_need:
        fields.append(CardField("The customer's need", deed.customer_need))
    if deed.context is not Context.UNSAID:
        fields.append(CardField("The situation", deed.context.label))
    if deed.approach is not Approach.UNSAID:
        fields.append(CardField("How", deed.approach.label))
    if deed.customer_aware is not None:
        knew = "Yes" if deed.customer_aware else "No"
        fields.append(CardField("The customer knew it was extra", knew))
    if deed.offer_item_id != UNSAID_OFFER:
        item = turn.org.offer_item(deed.offer_item_id)
        fields.append(CardField("Our offer", item.title if item else "Not covered by it"))
    return tuple(fields)


def _tap(deed: DeedDetails, label: str, detail: str, value: str) -> Button:
    """A one-tap detail: the action, the detail and its value travel with the click."""
    return Button(label, LogButton.DETAIL, f"{deed.action_id}:{detail}={value}")


def _missing_rows(turn: Turn, deed: DeedDetails) -> tuple[ButtonRow, ...]:
    def tap(label: str, detail: str, value: str) -> Button:
        return _tap(deed, label, detail, value)

    rows: list[ButtonRow] = []
    if deed.context is Context.UNSAID:
        choices = tuple(tap(label, "context", c.value) for c, label in _SITUATIONS.items())
        rows.append(ButtonRow("What was the situation?", choices))
    if deed.approach is Approach.UNSAID:
        choices = tuple(tap(label, "approach", a.value) for a, label in _APPROACHES.items())
        rows.append(ButtonRow("A procedure, or your own initiative?", choices))
    if deed.customer_aware is None:
        choices = (tap("Yes", "customer_aware", "yes"), tap("No", "customer_aware", "no"))
        rows.append(ButtonRow("Did the customer know it was something extra?", choices))
    if deed.offer_item_id == UNSAID_OFFER:
        rows.append(_offer_row(turn, deed))
    return tuple(rows)


def _offer_row(turn: Turn, deed: DeedDetails) -> ButtonRow:
    """The likely items by the deed's words, "Not in our offer", and the whole list."""
    # Two likely items, "Not in our offer" and "Another…": four fit a phone's width.
    likely = likely_items(f"{deed.extra} {deed.customer_need}", turn.org.service_offer, 2)
    choices = [_tap(deed, _short(i.title), "offer", i.id) for i in likely]
    other = Button("Another…", OPEN_FORM, form_about(OTHER_OFFER_FORM, deed.action_id))
    choices += [_tap(deed, "Not in our offer", "offer", NOT_COVERED), other]
    return ButtonRow("Which part of our routine offer does it go beyond?", tuple(choices))


def _short(title: str) -> str:
    """An offer item's title for a button: whole words, "…" where it was cut."""
    if len(title) <= _OFFER_LABEL:
        return title
    return shorten(title, _OFFER_LABEL).rsplit(" ", 1)[0].rstrip(",;:-") + "…"


async def own_deed(turn: Turn, action_text: str) -> DeedDetails | Refusal:
    """The clicker's own saved deed, or why not: anyone can send any value."""
    action_id = parse_id(action_text)
    deed = await deed_details(turn.uow, action_id) if action_id is not None else None
    if deed is None:
        return Refusal(UNKNOWN)
    if deed.person_id != turn.person.id:
        return Refusal(NOT_YOURS)
    return deed


def change_of(turn: Turn, detail: str, value: str) -> DetailChange | None:
    """The change a tap asks for, or None for a value no card offers."""
    match detail:
        case "context" if value in {c.value for c in Context.given()}:
            return DetailChange(context=Context(value))
        case "approach" if value in {a.value for a in Approach.given()}:
            return DetailChange(approach=Approach(value))
        case "customer_aware" if value in ("yes", "no"):
            return DetailChange(customer_aware=value == "yes")
        case "offer" if value == NOT_COVERED or turn.org.offer_item(value) is not None:
            return DetailChange(offer_item_id=value)
    return None


async def tapped(turn: Turn, value: str) -> list[Outbound]:
    """One detail, saved at once; the card shows it, and what is still to add."""
    action_text, _, rest = value.partition(":")
    detail, _, choice = rest.partition("=")
    change = change_of(turn, detail, choice)
    if change is None:
        return [Refusal("I don't recognise that choice.")]
    return await apply(turn, action_text, change)


async def apply(turn: Turn, action_text: str, change: DetailChange) -> list[Outbound]:
    deed = await own_deed(turn, action_text)
    if isinstance(deed, Refusal):
        return [deed]
    await set_details(turn.uow, deed.action_id, change)
    await audit(
        turn.uow,
        actor_id=turn.person.id,
        action="action.detail",
        subject_type="action",
        subject_id=str(deed.action_id),
        detail={"fields": sorted(change.values())},
    )
    updated = await deed_details(turn.uow, deed.action_id)
    assert updated is not None
    card = details_card(turn, updated, "Your extra-mile action", learner=turn.person.learner)
    return [CardUpdate(card.card_key or "", card)]
