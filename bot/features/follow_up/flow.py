"""The follow-up (P12): some days after an action, did it affect other customers, did the
customer notice, any feedback since? Asked twice at most, then left."""

from __future__ import annotations

from datetime import date, timedelta

from bot.context import Scene, Turn
from bot.domain.actions import AffectedOthers
from bot.domain.ids import parse_id
from bot.domain.records import DueAction, FollowUpAnswer
from bot.domain.redaction import redact
from bot.domain.text import clean, shorten
from bot.messages import (
    Button,
    ButtonStyle,
    Card,
    Choice,
    FieldKind,
    Form,
    FormField,
    Outbound,
    Refusal,
    Text,
)
from bot.routes import OPEN_FORM, FormId, RouteTable, form_about
from storage.events import audit
from storage.follow_ups import (
    due_follow_ups,
    get_action,
    mark_asked,
    record_follow_up,
)

FORM = "follow-up"
MAX_ASKS = 2
SECOND_ASK_AFTER_DAYS = 2
AFFECTED_CHOICES = (
    Choice(AffectedOthers.NO, "No"),
    Choice(AffectedOthers.A_LITTLE, "A little"),
    Choice(AffectedOthers.YES, "Yes"),
)
NOTICED_CHOICES = (Choice("yes", "Yes"), Choice("no", "No"), Choice("unsure", "Not sure"))
LABELS = {c.value: c.label for c in (*AFFECTED_CHOICES, *NOTICED_CHOICES)}


def due_on(carried_out: date, asked: int, days: int) -> date:
    """When the next ask is due: `days` after the action, then two days later."""
    return carried_out + timedelta(days=days + SECOND_ASK_AFTER_DAYS * asked)


async def ask_due(scene: Scene) -> int:
    """The `follow-up` job: ask everyone whose follow-up is due; returns how many."""
    asked = 0
    days = scene.org.policy.follow_up_days
    for action in await due_follow_ups(scene.uow, max_asks=MAX_ASKS):
        if scene.today < due_on(action.carried_out, action.asked, days):
            continue
        card = Card(
            title="How did it go?" if action.asked == 0 else "How did it go? (asking once more)",
            text=f"{action.carried_out:%a %d %b}: {shorten(action.extra, 200)}\n"
            "Did it affect the service to other customers? Did the customer notice?",
            buttons=(
                Button("Tell me", OPEN_FORM, form_about(FORM, action.id), ButtonStyle.PRIMARY),
            ),
        )
        await scene.notify.person(action.person_id, card, "follow-up", action.id, action.asked + 1)
        await mark_asked(scene.uow, action.id)
        asked += 1
    return asked


def follow_up_form(
    action_id: str,
    extra: str,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Form:
    typed = values or {}
    return Form(
        form_id=form_about(FORM, action_id),
        title="How did it go?",
        intro=shorten(extra, 300),
        submit_label="Send",
        errors=errors or {},
        fields=(
            FormField(
                "affected_others",
                "Did it affect the service to other customers?",
                FieldKind.CHOICE,
                value=typed.get("affected_others", ""),
                options=AFFECTED_CHOICES,
            ),
            FormField(
                "note",
                "How? (if it did)",
                FieldKind.LONG_TEXT,
                required=False,
                value=typed.get("note", ""),
                max_length=1000,
            ),
            FormField(
                "customer_noticed",
                "Did the customer notice the added value?",
                FieldKind.CHOICE,
                value=typed.get("customer_noticed", ""),
                options=NOTICED_CHOICES,
            ),
            FormField(
                "feedback_since",
                "Any feedback since?",
                FieldKind.LONG_TEXT,
                required=False,
                value=typed.get("feedback_since", ""),
                max_length=1000,
            ),
        ),
    )


async def _own_action(turn: Turn, action_id: str) -> DueAction | None:
    """The action a follow-up names, if it is this person's."""
    number = parse_id(action_id)
    action = await get_action(turn.uow, number) if number is not None else None
    return action if action is not None and action.person_id == turn.person.id else None


async def open_form(turn: Turn, action_id: str) -> list[Outbound]:
    action = await _own_action(turn, action_id)
    if action is None:
        return [Refusal("That follow-up isn't yours.")]
    if action.answered:
        return [Refusal("You've told me how that one went already. Thank you!")]
    return [follow_up_form(action_id, action.extra)]


async def submit(turn: Turn, form: FormId, values: dict[str, str]) -> list[Outbound]:
    action_id = form.param
    action = await _own_action(turn, action_id)
    if action is None:
        return [Refusal("That follow-up isn't yours.")]
    typed = {k: clean(v) for k, v in values.items()}
    errors: dict[str, str] = {}
    if typed.get("affected_others") not in {c.value for c in AFFECTED_CHOICES}:
        errors["affected_others"] = "Say no, a little, or yes."
    if typed.get("customer_noticed") not in ("yes", "no", "unsure"):
        errors["customer_noticed"] = "Say yes, no or not sure."
    felt = (AffectedOthers.A_LITTLE, AffectedOthers.YES)
    if typed.get("affected_others") in felt and not typed.get("note"):
        errors["note"] = "Say briefly how other customers were affected."
    for name in ("note", "feedback_since"):
        if len(typed.get(name, "")) > 1000:
            errors[name] = "Please keep it under 1,000 characters."
    if errors:
        return [follow_up_form(action_id, action.extra, errors, typed)]
    if action.answered:
        return [Refusal("You've told me how that one went already. Thank you!")]
    note = redact(typed.get("note", ""))  # stored on the action, like its other free text
    since = redact(typed.get("feedback_since", ""))
    answer = FollowUpAnswer(
        affected_others=AffectedOthers(typed["affected_others"]),
        customer_noticed={"yes": True, "no": False}.get(typed["customer_noticed"]),
        note="\n".join(
            part for part in (note, f"Feedback since: {since}" if since else "") if part
        ),
    )
    await record_follow_up(turn.uow, action.id, answer, turn.now)
    await audit(
        turn.uow,
        actor_id=turn.person.id,
        action="action.followed_up",
        subject_type="action",
        subject_id=str(action.id),
    )
    replies: list[Outbound] = [Text("Thank you! That goes on the action.")]
    if answer.affected_others != AffectedOthers.NO and turn.person.supervisor:
        # P12: the supervisor hears when other customers felt it.
        await turn.notify.person(
            turn.person.supervisor,
            Card(
                title=f"{turn.person.name}'s extra mile affected other customers "
                f"({LABELS[answer.affected_others].lower()})",
                text=f"{shorten(action.extra, 200)}\n“{shorten(note, 500)}”",
            ),
            "follow-up",
            action.id,
            "affected",
        )
        boss = turn.org.person(turn.person.supervisor)
        name = boss.first_name if boss else "your supervisor"
        replies.append(Text(f"I've let {name} know, so the team can plan for it next time."))
    return replies


# --- routes -------------------------------------------------------------------------------------


def register(routes: RouteTable) -> None:
    routes.form(FORM, submit, opens=lambda turn, form: open_form(turn, form.param), with_param=True)
