"""Pure rules of the log-action draft: dates, cleaning, validation never raising."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.actions import ActionStatus, Approach, CheckedAction, Context, criteria_evidenced
from bot.domain.feasibility import Answer
from bot.domain.org import Organisation
from bot.domain.orgfile import load_organisation
from bot.domain.text import clean, parse_day, shorten
from bot.features.log.draft import ActionDraft
from bot.features.log.rules import check_draft, to_check, to_checked
from bot.settings import EXAMPLE_ORG_FILE

SUNDAY = date(2026, 11, 22)
ORG: Organisation = load_organisation(EXAMPLE_ORG_FILE)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", SUNDAY),
        ("today", SUNDAY),
        ("Yesterday", date(2026, 11, 21)),
        ("monday", date(2026, 11, 16)),
        ("fri", date(2026, 11, 20)),
        ("sunday", SUNDAY),
        ("2026-11-02", date(2026, 11, 2)),
        ("2/11/2026", date(2026, 11, 2)),
        ("02.11.26", date(2026, 11, 2)),
        ("31/02/2026", None),
        ("next week", None),
    ],
)
def test_parse_day(typed: str, expected: date | None) -> None:
    assert parse_day(typed, SUNDAY) == expected


def test_clean_keeps_emoji_and_rtl_but_drops_control_characters() -> None:
    assert clean("  שלום 👋\x00\x1b[31m ok\n") == "שלום 👋[31m ok"


def test_shorten_marks_what_it_cut() -> None:
    assert shorten("a " * 100, 10) == "a a a a a…"
    assert shorten("short", 10) == "short"


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from(list(ActionDraft.model_fields)), st.text(max_size=2000)),
    st.sampled_from([ActionStatus.DONE, ActionStatus.PROPOSED]),
    st.booleans(),
)
def test_any_input_gets_a_verdict_never_an_exception(
    values: dict[str, str], status: ActionStatus, learner: bool
) -> None:
    # The status is set by the form (deed or idea), no longer typed: both are tried.
    draft = ActionDraft(status=status).merged(values)
    errors = check_draft(ORG, draft, SUNDAY, learner=learner)
    assert all(isinstance(m, str) and m for m in errors.values())
    if not errors:
        checked = to_checked(draft, SUNDAY)
        assert checked.extra == draft.extra
        if draft.is_idea:
            to_check(draft)


def test_result_and_awareness_are_optional_as_labelled_the_check_is_not() -> None:
    base = ActionDraft(customer_need="n", extra="e")
    # Issue 16: a done deed needs only what was done and the need; the result and the
    # details (situation, approach, awareness, offer item) are optional, one tap later.
    assert check_draft(ORG, base, SUNDAY) == {}
    # An optional detail given is still checked: only the choices offered are taken.
    assert set(check_draft(ORG, base.merged({"customer_aware": "maybe"}), SUNDAY)) == {
        "customer_aware"
    }
    assert set(check_draft(ORG, base.merged({"offer_item": "made-up"}), SUNDAY)) == {"offer_item"}
    # A learner's portfolio needs the details: each is asked for.
    assert set(check_draft(ORG, base, SUNDAY, learner=True)) == {
        "context",
        "approach",
        "customer_aware",
        "offer_item",
    }
    detailed = base.merged(
        {
            "context": "busy",
            "approach": "procedure",
            "customer_aware": "no",
            "offer_item": "returns",
        }
    )
    assert check_draft(ORG, detailed, SUNDAY, learner=True) == {}
    # An idea's check is not optional: the cost, the time and why are always asked.
    idea = ActionDraft(status=ActionStatus.PROPOSED, customer_need="n", extra="e")
    assert set(check_draft(ORG, idea, SUNDAY)) == {"cost", "minutes", "explanation"}
    answered = idea.merged({"cost": "2.50", "minutes": "10", "explanation": "She's a regular"})
    assert check_draft(ORG, answered, SUNDAY) == {}  # an unticked box is a doubt, not an error
    assert set(check_draft(ORG, answered.merged({"cost": "about a tenner"}), SUNDAY)) == {"cost"}
    assert set(check_draft(ORG, answered.merged({"minutes": "about an hour"}), SUNDAY)) == {
        "minutes"
    }
    assert set(check_draft(ORG, answered.merged({"checked": "authority,magic"}), SUNDAY)) == {
        "checked"
    }
    # The status is set by which form it is, never by what was sent.
    assert not base.merged({"status": "proposed"}).is_idea


def test_an_unticked_box_is_a_doubt_and_others_ticked_means_no_effect() -> None:
    idea = ActionDraft(
        status=ActionStatus.PROPOSED,
        customer_need="n",
        extra="e",
        cost="£2.50",
        minutes="an hour",
        explanation="x",
    )
    none = to_check(idea)
    assert (none.cost, none.minutes) == (Decimal("2.50"), 60)
    assert {
        none.within_authority,
        none.within_guidelines,
        none.within_regulations,
        none.affects_others,
    } == {Answer.UNSURE}
    every = to_check(idea.merged({"checked": "authority,guidelines,regulations,others"}))
    assert (every.within_authority, every.within_guidelines, every.within_regulations) == (
        Answer.YES,
        Answer.YES,
        Answer.YES,
    )
    assert every.affects_others is Answer.NO
    some = to_check(idea.merged({"checked": "regulations"}))
    assert (some.within_authority, some.within_regulations) == (Answer.UNSURE, Answer.YES)


def test_details_left_unsaid_are_stored_empty_and_claim_no_criteria() -> None:
    deed = to_checked(ActionDraft(extra="e"), SUNDAY)
    assert (deed.context, deed.approach, deed.offer_item_id) == (
        Context.UNSAID,
        Approach.UNSAID,
        "",
    )
    assert deed.customer_aware is None
    assert criteria_evidenced(deed) == ["P4", "P5", "P10"]  # no need, no offer item: no P2/P3
    with_need = to_checked(ActionDraft(extra="e", customer_need="n", offer_item="returns"), SUNDAY)
    # Issue 19: the need and a picked offer item alone claim no P2/P3 (the learner's words do).
    assert criteria_evidenced(with_need) == ["P4", "P5", "P10"]


def test_criteria_follow_what_was_recorded() -> None:
    action = CheckedAction(
        occurred_on=SUNDAY,
        customer_need="n",
        offer_item_id="not-covered",
        extra="e",
        status=ActionStatus.DONE,
        context=Context.BUSY,
        approach=Approach.PROCEDURE,
        customer_aware=False,
        result="r",
    )
    assert criteria_evidenced(action) == ["P4", "P5", "P10"]  # issue 19: no P2 from the need
