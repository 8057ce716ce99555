"""Log an extra-mile action: a form, or the quick `log <line>` path, then review and save.

State between turns lives in the database (flow "log"), so a conversation
resumes after a restart and on any worker.
"""

from __future__ import annotations

import re

from bot.context import Turn
from bot.domain.actions import NOT_COVERED, ActionStatus, criteria_evidenced
from bot.domain.feasibility import assess, money
from bot.domain.records import ConversationState
from bot.domain.redaction import redact
from bot.domain.text import parse_day
from bot.features.approvals import flow as approvals
from bot.features.general.flow import Menu
from bot.features.log.draft import (
    CHECK_FIELDS,
    MAIN_FIELDS,
    ActionDraft,
    check_draft,
    check_fields,
    draft_fields,
    to_check,
    to_checked,
)
from bot.features.nominations import flow as nominations
from bot.messages import (
    Button,
    ButtonStyle,
    Card,
    CardField,
    FieldKind,
    Form,
    FormField,
    Outbound,
    Refusal,
    Text,
)
from bot.routes import ActionId, Conversation, RouteTable
from storage.actions import add_action, count_actions
from storage.conversations import clear_state, load_state, save_state
from storage.events import audit

FLOW = "log"
FORM_ID = "log-action"
CHECK_FORM_ID = "log-check"


class LogButton(ActionId):
    ANSWER = "log.answer"  # value: "<question>=<choice>"
    SAVE = "log.save"
    EDIT = "log.edit"
    CANCEL = "log.cancel"


COMMON_QUESTIONS = ("customer_need", "offer_item", "status", "context", "approach")
DONE_QUESTIONS = ("customer_aware", "result")
_DATE_PREFIX = re.compile(r"^\s*([\w/.-]+)\s*[:,]\s*(.+)$", re.DOTALL)


async def current_draft(turn: Turn) -> ActionDraft | None:
    state = await load_state(turn.uow, turn.person.id)
    if state is None or state.flow != FLOW:
        return None
    return ActionDraft.model_validate(state.data)


async def _keep(turn: Turn, step: str, draft: ActionDraft) -> None:
    await save_state(turn.uow, turn.person.id, ConversationState(FLOW, step, draft.model_dump()))


# --- the form ---------------------------------------------------------------


async def open_form(turn: Turn) -> list[Outbound]:
    draft = await current_draft(turn) or ActionDraft(occurred_on="today")
    await _keep(turn, "form", draft)
    return [_form(turn, draft, {})]


def _form(turn: Turn, draft: ActionDraft, errors: dict[str, str]) -> Form:
    return Form(
        form_id=FORM_ID,
        title="Log an extra-mile action",
        intro="Tell me what the customer needed and what you did beyond our routine offer.",
        fields=draft_fields(turn.org, draft),
        submit_label="Next",
        errors={k: v for k, v in errors.items() if k in MAIN_FIELDS},
    )


def _check_form(turn: Turn, draft: ActionDraft, errors: dict[str, str]) -> Form:
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
    draft = (await current_draft(turn) or ActionDraft()).merged(values)
    errors = check_draft(turn.org, draft, turn.today)
    if any(name in MAIN_FIELDS for name in errors):
        await _keep(turn, "form", draft)
        return [_form(turn, draft, errors)]
    if errors:
        await _keep(turn, "check", draft)
        # Coming from the first form, the check is shown clean; its own submit shows errors.
        return [_check_form(turn, draft, errors if form_id == CHECK_FORM_ID else {})]
    await _keep(turn, "review", draft)
    return [review_card(turn, draft)]


# --- the quick path -----------------------------------------------------------


async def start_quick(turn: Turn, line: str) -> list[Outbound]:
    occurred_on, extra = "today", line
    prefix = _DATE_PREFIX.match(line)
    if prefix and parse_day(prefix[1], turn.today) is not None:
        occurred_on, extra = prefix[1], prefix[2]
    draft = ActionDraft(occurred_on=occurred_on).merged({"extra": extra})
    errors = check_draft(turn.org, draft, turn.today)
    for name in ("extra", "occurred_on"):
        if name in errors:
            return [Text(errors[name])]
    return await _next_question(
        turn, draft, intro="Got it. A few questions so it counts as evidence."
    )


def _questions(turn: Turn, draft: ActionDraft) -> list[str]:
    """What the quick path asks, in order: an idea gets the feasibility check instead of
    the result, and an explanation for the supervisor only if it needs their OK."""
    if not draft.is_idea:
        return [*COMMON_QUESTIONS, *DONE_QUESTIONS]
    questions = [*COMMON_QUESTIONS, *CHECK_FIELDS]
    if "explanation" in check_draft(turn.org, draft, turn.today) or draft.explanation:
        questions.append("explanation")
    return questions


def _missing(turn: Turn, draft: ActionDraft) -> list[str]:
    return [name for name in _questions(turn, draft) if not getattr(draft, name)]


async def _next_question(turn: Turn, draft: ActionDraft, intro: str = "") -> list[Outbound]:
    missing = _missing(turn, draft)
    if not missing:
        await _keep(turn, "review", draft)
        return [review_card(turn, draft)]
    await _keep(turn, f"ask:{missing[0]}", draft)
    question = _question(turn, draft, missing[0])
    return [Text(intro), question] if intro else [question]


def _field(turn: Turn, draft: ActionDraft, name: str) -> FormField:
    fields = (*draft_fields(turn.org, draft), *check_fields(turn.org, draft))
    return next(f for f in fields if f.name == name)


def _question(turn: Turn, draft: ActionDraft, name: str) -> Outbound:
    field = _field(turn, draft, name)
    questions = _questions(turn, draft)
    step = f"({questions.index(name) + 1} of {len(questions)})" if name in questions else ""
    if field.kind is FieldKind.CHOICE:
        return Card(
            title=f"{field.label} {step}",
            # The field name travels with the click, so a stale card cannot answer
            # a different question.
            buttons=tuple(
                Button(o.label, LogButton.ANSWER, f"{name}={o.value}") for o in field.options
            ),
        )
    hint = f"\n({field.hint})" if field.hint else ""
    return Text(f"{field.label} {step}{hint}")


def _asking(state: ConversationState) -> bool:
    """Whether the quick path waits for an answer to a question it asked."""
    return state.step.startswith("ask:")


async def answer_clicked(turn: Turn, value: str) -> list[Outbound]:
    """A clicked choice; refused once no question waits (a card from an earlier run)."""
    state = await load_state(turn.uow, turn.person.id)
    if state is None or not _asking(state):
        return [Refusal("That question has already been answered.")]
    return await answer_click(turn, state, value)


async def answer_click(turn: Turn, state: ConversationState, value: str) -> list[Outbound]:
    name, _, choice = value.partition("=")
    if state.step != f"ask:{name}":
        return [Text("That question has already been answered."), *await resume(turn, state)]
    return await answer(turn, state, choice)


async def answer(turn: Turn, state: ConversationState, reply: str) -> list[Outbound]:
    """A typed answer, or a clicked choice, to the question the quick path asked."""
    draft = ActionDraft.model_validate(state.data)
    name = state.step.removeprefix("ask:")
    field = _field(turn, draft, name)
    value = _choice_value(field, reply) if field.kind is FieldKind.CHOICE else reply
    if value is None:
        labels = ", ".join(f"{i}. {o.label}" for i, o in enumerate(field.options, 1))
        return [Text(f"Please pick one of: {labels}"), _question(turn, draft, name)]
    updated = draft.merged({name: value})
    error = check_draft(turn.org, updated, turn.today).get(name)
    if error:
        return [Text(error), _question(turn, draft, name)]
    return await _next_question(turn, updated)


def _choice_value(field: FormField, reply: str) -> str | None:
    text = reply.strip().lower()
    options = field.options
    if text.isdecimal() and len(text) <= 3 and 1 <= int(text) <= len(options):
        return options[int(text) - 1].value
    for option in options:
        if text in (option.value.lower(), option.label.lower()):
            return option.value
    starts = [o for o in options if text and o.label.lower().startswith(text)]
    return starts[0].value if len(starts) == 1 else None


# --- review, save, edit, cancel -----------------------------------------------------


def review_card(turn: Turn, draft: ActionDraft) -> Card:
    def label_of(name: str, value: str) -> str:
        field = _field(turn, draft, name)
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


async def save(turn: Turn) -> list[Outbound]:
    state = await load_state(turn.uow, turn.person.id)
    if state is None or state.flow != FLOW or state.step != "review":
        return [Text("There's nothing waiting to be saved. It may already be saved: try `mine`.")]
    draft = ActionDraft.model_validate(state.data)
    errors = check_draft(turn.org, draft, turn.today)
    if any(name in MAIN_FIELDS for name in errors):
        await _keep(turn, "form", draft)
        return [_form(turn, draft, errors)]
    if errors:
        await _keep(turn, "check", draft)
        return [_check_form(turn, draft, errors)]
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
    beyond = (
        "" if checked.offer_item_id != NOT_COVERED else " It goes beyond anything in our offer."
    )
    practice = await nominations.ask_practice(turn, action.id, action.extra)
    return [
        Card(
            title=f"Saved: your {_ordinal(total)} extra-mile action. Thank you!",
            text=f"Evidence for {', '.join(criteria_evidenced(checked))}.{beyond}",
            buttons=(Button("My actions", Menu.MINE), Button("Log another", Menu.LOG)),
        ),
        *practice,
    ]


async def edit(turn: Turn) -> list[Outbound]:
    if await current_draft(turn) is None:
        return [Text("There's nothing to edit right now. Say `log` to start a new one.")]
    return await open_form(turn)


async def cancel(turn: Turn) -> list[Outbound]:
    if await current_draft(turn) is None:
        return [Text("Nothing to cancel.")]
    await clear_state(turn.uow, turn.person.id)
    return [Text("Cancelled. Nothing was saved.")]


async def resume(turn: Turn, state: ConversationState) -> list[Outbound]:
    """Show again whatever the person was last asked."""
    draft = ActionDraft.model_validate(state.data)
    if state.step == "review":
        return [review_card(turn, draft)]
    if state.step == "form":
        return [_form(turn, draft, {})]
    if state.step == "check":
        return [_check_form(turn, draft, {})]
    return [_question(turn, draft, state.step.removeprefix("ask:"))]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# --- routes -------------------------------------------------------------------------------------


async def _log_command(turn: Turn, rest: str) -> list[Outbound]:
    return await start_quick(turn, rest) if rest else await open_form(turn)


def register(routes: RouteTable) -> None:
    routes.click(Menu.LOG, lambda turn, _: open_form(turn))
    routes.click(LogButton.ANSWER, answer_clicked)
    routes.click(LogButton.SAVE, lambda turn, _: save(turn))
    routes.click(LogButton.EDIT, lambda turn, _: edit(turn))
    routes.click(LogButton.CANCEL, lambda turn, _: cancel(turn))
    routes.form(
        FORM_ID,
        lambda turn, _, values: submit_form(turn, values, FORM_ID),
        opens=lambda turn, _: open_form(turn),
    )
    routes.form(CHECK_FORM_ID, lambda turn, _, values: submit_form(turn, values, CHECK_FORM_ID))
    routes.command("log", handler=_log_command)
    routes.command("cancel", "stop", handler=lambda turn, _: cancel(turn), interrupts=True)
    routes.conversation(
        Conversation(FLOW, "logging an action", waiting=_asking, answer=answer, resume=resume)
    )
