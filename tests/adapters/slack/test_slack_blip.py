"""A Slack blip while logging loses nothing: the modal's answer is saved and its review
reaches the person once Slack answers again (issue 16: the review was lost when
chat.postMessage failed for a few seconds, and the person was not told)."""

from __future__ import annotations

from tests.fakes.slack_harness import SlackDriver, all_text

ASHA = "U0ASHA01"


async def test_the_review_arrives_after_slack_fails_for_a_while(slack: SlackDriver) -> None:
    assert (await slack.command(ASHA, "")).status == 200
    [opened] = await slack.fake.wait_for("views.open")
    slack.fake.fail("chat.postMessage", status=500, times=2)  # Slack down for a moment

    response = await slack.submit_view(
        ASHA,
        opened.params["view"],
        {
            "occurred_on": "2026-11-20",
            "customer_need": "Needed a heavy TV carried",
            "offer_item": "carry-out",
            "extra": "Carried it and strapped it in",
            "status": "done",
            "context": "busy",
            "approach": "initiative",
            "customer_aware": "yes",
            "result": "She was delighted",
        },
    )
    assert response.status == 200

    def reviews() -> list[object]:
        return [
            call
            for call in slack.fake.of("chat.postMessage")
            if call.response.get("ok")
            and "Check before I save it" in all_text(call.params["blocks"])
        ]

    await slack.fake.wait_until(lambda: len(reviews()) >= 1, within=20)
    failed = [c for c in slack.fake.of("chat.postMessage") if not c.response.get("ok")]
    assert len(failed) == 2  # the blip happened, and the review came through after it
    assert len(reviews()) == 1
