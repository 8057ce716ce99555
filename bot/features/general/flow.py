"""Help, the service offer (P1, K1), my recent actions, the welcome."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.context import Turn
from bot.domain.actions import NOT_COVERED, UNSAID_OFFER, AffectedOthers, LoggedAction
from bot.domain.evidence import criteria_met
from bot.domain.org import Role
from bot.domain.records import FeedbackLine
from bot.domain.text import shorten
from bot.domain.word_forms import matches_all
from bot.features.general.offer_items import with_adopted_offer
from bot.messages import Button, ButtonStyle, Card, CardField, Outbound, Text
from bot.routes import ActionId, RouteTable
from storage.actions import recent_actions
from storage.feedback import feedback_on
from storage.people import adopted_offer
from storage.portfolio import portfolio_data, words_on_actions


class Menu(ActionId):
    """The menu's buttons, shown on many cards. Each is answered by the feature it names,
    which registers it (LOG by log_action, FEEDBACK by feedback, WAITING by approvals)."""

    LOG = "menu.log"
    IDEA = "menu.idea"
    FEEDBACK = "menu.feedback"
    MINE = "menu.mine"
    OFFER = "menu.offer"
    WAITING = "menu.waiting"


HELP = Card(
    title="What I can do",
    text=(
        "Log the extra mile you go for customers, and check an idea before you try it.\n"
        "• log: a short form for something you did\n"
        "• log <what you did>: the quickest way, saved at once (or just tell me)\n"
        "• idea: check an idea, and ask your supervisor if it needs their OK\n"
        "• feedback: record what a customer said\n"
        "• mine: your recent actions\n"
        "• offer: our routine service offer\n"
        "• portfolio: your evidence portfolio; my data: everything I hold about you\n"
        "• cancel: stop what we're doing\n"
        "• help: this list"
    ),
    buttons=(
        Button("Log an action", Menu.LOG, style=ButtonStyle.PRIMARY),
        Button("Propose an idea", Menu.IDEA),
        Button("Record feedback", Menu.FEEDBACK),
        Button("My actions", Menu.MINE),
        Button("Service offer", Menu.OFFER),
    ),
)


def help_card(turn: Turn) -> Card:
    """The help, with what this person's role adds."""
    extra = []
    if turn.person.role in (Role.SUPERVISOR, Role.MANAGER):
        extra += [
            "• waiting: requests waiting on your decision",
            "• away until <date> delegate <name>: hand your requests over; back: return",
        ]
    if turn.person.role in (Role.ADMIN, Role.MANAGER):
        extra.append("• unreachable: people the bot cannot reach")
    if turn.person.role is Role.MANAGER:
        extra.append("• digest: your week in numbers, now")
    if turn.person.learner:
        extra.append("• knowledge: a short question about your work, for your portfolio")
    if turn.person.role is Role.ASSESSOR:
        extra += [
            "• learners: the people whose portfolios you assess",
            "• mark <learner> <criterion> met | not yet | needs more <comment>",
            "• request <learner> <what you need to see>",
        ]
    if not extra:
        return HELP
    return Card(title=HELP.title, text=HELP.text + "\n" + "\n".join(extra), buttons=HELP.buttons)


def welcome(turn: Turn) -> Card:
    return Card(
        title=f"Hi {turn.person.first_name}, did you go the extra mile today?",
        text=help_card(turn).text,
        buttons=HELP.buttons,
    )


async def show_offer(turn: Turn, search: str = "") -> list[Outbound]:
    """The routine offer (P1, K1): the file's items, then those adopted from staff practice;
    `offer <words>` shows only the items with all those words, in any form."""
    tz = ZoneInfo(turn.org.organisation.timezone)
    lines = [item.title for item in turn.org.service_offer]
    lines += [
        f"{item.title} (adopted {item.adopted_at.astimezone(tz):%a %d %b %Y} from staff practice)"
        if item.adopted_at
        else item.title
        for item in await adopted_offer(turn.uow)
    ]
    words = search.split()
    shown = [line for line in lines if matches_all(search, line)]
    heading = f"{turn.org.organisation.name}: our routine service offer"
    if words:
        heading += f" (matching “{search}”: {len(shown)} of {len(lines)})"
    body = "\n".join(f"• {line}" for line in shown) or "Nothing in our offer matches that."
    return [
        Card(
            title=heading,
            text=body
            + "\n\nGoing the extra mile is anything beyond this that impresses a customer.",
        )
    ]


async def show_mine(turn: Turn) -> list[Outbound]:
    turn = await with_adopted_offer(turn)
    actions = await recent_actions(turn.uow, turn.person.id, limit=10)
    if not actions:
        return [
            Card(
                title="You haven't logged an extra-mile action yet",
                text="When you do something beyond our routine offer, tell me about it.",
                buttons=(Button("Log an action", Menu.LOG, style=ButtonStyle.PRIMARY),),
            )
        ]
    feedback = await feedback_on(turn.uow, [a.id for a in actions])
    # Criteria codes are for learners, in their own view: nobody else is shown them.
    criteria = await _criteria_met(turn, [a.id for a in actions]) if turn.person.learner else {}
    return [
        Card(
            title="Your recent extra-mile actions",
            fields=tuple(
                _summary(turn, a, feedback.get(a.id, []), criteria.get(a.id, ())) for a in actions
            ),
            buttons=(Button("Log another", Menu.LOG, style=ButtonStyle.PRIMARY),),
        )
    ]


async def _criteria_met(turn: Turn, action_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The criteria each of these actions of the person's gives evidence for, as their
    portfolio reckons them (from its records: the request, the feedback, the follow-up)."""
    data = await portfolio_data(turn.uow, turn.person.id, action_ids)
    evidence = await words_on_actions(turn.uow, turn.person.id, action_ids)
    return {
        record.id: criteria_met(
            record, _offer_title(turn, record.offer_item_id), evidence.words_on(record.id)
        )
        for record in data.actions
    }


def _offer_title(turn: Turn, offer_item_id: str) -> str | None:
    """The routine offer item an action went beyond; None if it was not in the offer."""
    item = turn.org.offer_item(offer_item_id)
    return item.title if item is not None and offer_item_id != NOT_COVERED else None


def _summary(
    turn: Turn,
    action: LoggedAction,
    feedback: list[FeedbackLine],
    criteria: tuple[str, ...] = (),
) -> CardField:
    """One action as a line of the list, with its feedback and follow-up (P12-P14), and
    for a learner the criteria its evidence meets."""
    when = action.occurred_on.strftime("%a %d %b")
    lines = [shorten(action.extra, 140)]
    if action.offer_item_id != UNSAID_OFFER:  # not said yet: nothing claimed about it
        beyond = _offer_title(turn, action.offer_item_id) or "not in our offer"
        lines[0] += f" (beyond: {shorten(beyond, 60)})"
    if criteria:
        lines.append("Evidence for " + ", ".join(criteria))
    for line in feedback[-2:]:
        quote = f": “{shorten(line.words, 80)}”" if line.words else ""
        lines.append(f"Feedback ({line.sentiment}){quote}")
    if len(feedback) > 2:
        lines.append(f"…and {len(feedback) - 2} more feedback")
    if action.affected_others is not None:
        effect = {
            AffectedOthers.NO: "no effect",
            AffectedOthers.A_LITTLE: "a little effect",
            AffectedOthers.YES: "an effect",
        }
        parts = [f"{effect.get(action.affected_others, 'an effect')} on other customers"]
        if action.customer_noticed is not None:
            parts.append("the customer noticed" if action.customer_noticed else "not noticed")
        lines.append("Follow-up: " + ", ".join(parts))
    return CardField(label=f"{when} · {action.status.label}", value="\n".join(lines))


def not_understood(turn: Turn) -> list[Outbound]:
    return [Text("Sorry, I didn't catch that. Here's what I can do:"), help_card(turn)]


# --- routes -------------------------------------------------------------------------------------


async def _help(turn: Turn, _rest: str) -> list[Outbound]:
    return [help_card(turn)]


async def _welcome(turn: Turn, _rest: str) -> list[Outbound]:
    return [welcome(turn)]


def register(routes: RouteTable) -> None:
    routes.click(Menu.MINE, lambda turn, _: show_mine(turn))
    routes.click(Menu.OFFER, lambda turn, _: show_offer(turn))
    routes.command("mine", handler=lambda turn, _: show_mine(turn))
    routes.command("offer", handler=show_offer)
    routes.command("help", "", handler=_help)
    routes.command("hi", "hello", "hey", "start", handler=_welcome)
    routes.greeting(welcome)
