"""Pure rules of the log-action draft: dates, cleaning, validation never raising."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.actions import ActionStatus, Approach, CheckedAction, Context, criteria_evidenced
from bot.domain.org import Organisation
from bot.domain.orgfile import load_organisation
from bot.domain.text import clean, parse_day, shorten
from bot.features.log.draft import ActionDraft
from bot.features.log.rules import check_draft, to_checked
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
@given(st.dictionaries(st.sampled_from(list(ActionDraft.model_fields)), st.text(max_size=2000)))
def test_any_input_gets_a_verdict_never_an_exception(values: dict[str, str]) -> None:
    draft = ActionDraft().merged(values)
    errors = check_draft(ORG, draft, SUNDAY)
    assert all(isinstance(m, str) and m for m in errors.values())
    if not errors:
        checked = to_checked(draft, SUNDAY)
        assert checked.extra == draft.extra


def test_result_and_awareness_are_optional_as_labelled_the_check_is_not() -> None:
    base = ActionDraft(
        customer_need="n", offer_item="returns", extra="e", context="busy", approach="procedure"
    )
    # Issue 16: "(optional)" fields were refused empty; now an empty answer is accepted.
    assert set(check_draft(ORG, base.merged({"status": "done"}), SUNDAY)) == set()
    assert set(
        check_draft(ORG, base.merged({"status": "done", "customer_aware": "maybe"}), SUNDAY)
    ) == {"customer_aware"}
    idea = base.merged({"status": "proposed"})
    assert set(check_draft(ORG, idea, SUNDAY)) == {
        "within_authority",
        "within_guidelines",
        "within_regulations",
        "affects_others",
    }
    answered = idea.merged(
        {
            "cost": "2.50",
            "minutes": "10",
            "within_authority": "yes",
            "within_guidelines": "yes",
            "within_regulations": "yes",
            "affects_others": "no",
        }
    )
    assert check_draft(ORG, answered, SUNDAY) == {}
    over = answered.merged({"cost": "£12"})
    assert check_draft(ORG, over, SUNDAY)["explanation"].startswith(
        "This needs your supervisor's OK, because it costs £12.00, over the £10.00"
    )
    assert check_draft(ORG, over.merged({"explanation": "She's a regular"}), SUNDAY) == {}


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
    assert criteria_evidenced(action) == ["P2", "P4", "P5", "P10"]
