"""Logging a deed or proposing an idea as a person would, for tests about what comes
after (approvals, feedback, follow-ups, portfolios): the deed form (four inputs, saved on
submit), then any details tapped; the idea form (cost, time, why, and the ticks)."""

from __future__ import annotations

from tests.fakes.chat import Chat, text_of

DEED = {
    "occurred_on": "yesterday",
    "extra": "Rang the bus depot, who had it; walked her to the stop",
    "customer_need": "Lost her bus pass and was upset",
    "result": "She hugged me",
}
# The details a deed's saved card offers, as button values' parts: detail=value.
DETAILS = {"context": "quiet", "approach": "initiative", "customer_aware": "yes"}
IDEA = {
    "extra": "Give her a new cake and a card from us, free",
    "customer_need": "Her daughter's birthday cake was ruined in the rain",
    "cost": "18.00",
    "minutes": "10",
    "explanation": "A loyal customer; it was our wet floor mat that tripped her",
    "checked": "guidelines,regulations,others",  # not sure it's within authority
}
EVERY_BOX = "authority,guidelines,regulations,others"


async def log_deed(chat: Chat, details: dict[str, str] | None = None, **values: str) -> str:
    """Log a done deed through the form; then tap each detail given (offer=<item id>
    included). Returns what the person read after the last step."""
    await chat.say("log")
    reply = await chat.submit(**(DEED | values))
    for detail, value in (details or {}).items():
        reply = await tap_detail(chat, detail, value)
    return reply


async def tap_detail(chat: Chat, detail: str, value: str) -> str:
    """Tap the saved card's button for `detail`=`value` (the card must offer it)."""
    wanted = f":{detail}={value}"
    buttons = [b for b in chat.visible_buttons() if b.value.endswith(wanted)]
    assert buttons, f"no detail button {wanted!r} in {[b.value for b in chat.visible_buttons()]}"
    return text_of(await chat.press(buttons[0]))


async def propose_idea(chat: Chat, **values: str) -> str:
    """Propose an idea through the idea form (by default beyond authority: it costs
    £18 and the authority box is not ticked)."""
    await chat.say("idea")
    return await chat.submit(**(IDEA | values))
