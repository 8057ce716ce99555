"""The help lists what a person's role and learning add: a learner's knowledge questions,
an assessor's commands; nobody else sees them."""

from __future__ import annotations

from bot.engine import Engine
from tests.fakes.chat import Chat


async def test_a_learner_and_an_assessor_see_their_commands_in_help(engine: Engine) -> None:
    learner = await Chat(engine, "leila").say("help")
    assert "• knowledge:" in learner and "• mark <learner>" not in learner
    assessor = await Chat(engine, "ruth").say("help")
    assert "• learners:" in assessor and "• mark <learner>" in assessor
    staff = await Chat(engine, "tom").say("help")
    assert "knowledge" not in staff and "• learners:" not in staff
