"""The outbox delivering to Slack: DMs opened once, Retry-After honoured, nothing lost."""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import select

from adapters.slack.messenger import SlackMessenger
from bot.delivery.codec import dump_outbound
from bot.delivery.dispatcher import MAX_ATTEMPTS, Dispatcher, committed
from bot.domain.org import Organisation
from bot.messages import Button, Card, CardField, Text
from storage.database import Database
from storage.delivery import SqlDeliveryStore
from storage.outbox import claim_due, enqueue
from storage.people import sync_organisation
from storage.tables import OutboxRow
from storage.uow import UnitOfWork
from tests.fakes.fake_slack import TOKEN, FakeSlack
from tests.fakes.tcp_proxy import TcpProxy

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)


class SteppingClock:
    def __init__(self) -> None:
        self.at = NOW

    def now(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@pytest.fixture
async def synced(database: Database, org: Organisation) -> AsyncIterator[Database]:
    async with UnitOfWork(database) as uow:
        await sync_organisation(uow, org)
        await uow.commit()
    yield database


def _dispatcher(
    database: Database, org: Organisation, base_url: str, clock: SteppingClock
) -> Dispatcher:
    client = AsyncWebClient(token=TOKEN, base_url=base_url)
    messenger = SlackMessenger(client=client, store=SqlDeliveryStore(database))
    return Dispatcher(database=database, org=org, messengers={"slack": messenger}, clock=clock)


async def _queue(
    database: Database, person: str, message: Text | Card, key: str | None = None
) -> bool:
    async with UnitOfWork(database) as uow:
        queued = await enqueue(
            uow, person_id=person, payload=dump_outbound(message), now=NOW, dedupe_key=key
        )
        await uow.commit()
    return queued


async def _rows(database: Database) -> list[OutboxRow]:
    async with UnitOfWork(database) as uow:
        return list((await uow.session.exec(select(OutboxRow).order_by(OutboxRow.id))).all())


async def test_messages_are_delivered_the_first_by_user_id_then_to_the_remembered_dm(
    synced: Database, org: Organisation, fake_slack: FakeSlack
) -> None:
    card = Card(
        title="Request from Asha",
        fields=(CardField("Idea", "<!channel> free tea"),),
        buttons=(Button("Approve", "request.approve", "1"),),
    )
    for i in range(3):
        await _queue(synced, "sam", Text(f"note {i}"))
    await _queue(synced, "sam", card)
    dispatcher = _dispatcher(synced, org, fake_slack.api_url, SteppingClock())
    assert await dispatcher.run_once() == 4
    # No conversations.open (rate-limited far below posting): the first message goes
    # to the user id, and the DM channel Slack answers with is used from then on.
    assert fake_slack.of("conversations.open") == []
    posts = fake_slack.of("chat.postMessage")
    assert [p.params["channel"] for p in posts] == ["U0SAM001"] + ["D0SAM001"] * 3
    assert fake_slack.messages.keys() == {"D0SAM001"}
    assert "&lt;!channel&gt; free tea" in str(posts[-1].params["blocks"])
    assert {r.status for r in await _rows(synced)} == {"sent"}
    assert await dispatcher.run_once() == 0


async def test_a_dedupe_key_queues_once(synced: Database) -> None:
    assert await _queue(synced, "sam", Text("a"), key="request:7:card") is True
    assert await _queue(synced, "sam", Text("a"), key="request:7:card") is False
    assert len(await _rows(synced)) == 1


async def test_retry_after_is_honoured_then_delivered_once(
    synced: Database, org: Organisation, fake_slack: FakeSlack
) -> None:
    """A long Retry-After goes back to the queue, due when Slack said."""
    clock = SteppingClock()
    fake_slack.fail(
        "chat.postMessage", status=429, error="ratelimited", headers={"Retry-After": "30"}
    )
    await _queue(synced, "asha", Text("well done"))
    dispatcher = _dispatcher(synced, org, fake_slack.api_url, clock)
    await dispatcher.run_once()
    [row] = await _rows(synced)
    assert row.status == "pending" and row.attempts == 1
    assert row.next_attempt_at == clock.at + timedelta(seconds=30)
    clock.advance(29)
    assert await dispatcher.run_once() == 0  # not yet
    clock.advance(1)
    assert await dispatcher.run_once() == 1
    [row] = await _rows(synced)
    assert row.status == "sent"
    assert len(fake_slack.of("chat.postMessage")) == 2  # the 429, then the one delivery


async def test_a_short_retry_after_pauses_every_sender_and_is_waited_out_in_memory(
    synced: Database, org: Organisation, fake_slack: FakeSlack
) -> None:
    fake_slack.fail(
        "chat.postMessage", status=429, error="ratelimited", headers={"Retry-After": "1"}
    )
    for person in ("asha", "sam", "ben"):
        await _queue(synced, person, Text(f"hello {person}"))
    dispatcher = _dispatcher(synced, org, fake_slack.api_url, SteppingClock())
    started = time.monotonic()
    assert await dispatcher.run_once() == 3
    assert time.monotonic() - started >= 1.0  # Slack's second was waited out ...
    rows = await _rows(synced)
    assert {r.status for r in rows} == {"sent"} and {r.attempts for r in rows} == {1}
    # ... by everyone: one 429, then one delivery each, none of them re-queued.
    posts = fake_slack.of("chat.postMessage")
    assert len(posts) == 4 and len(fake_slack.messages) == 3


async def test_server_errors_back_off_then_recover(
    synced: Database, org: Organisation, fake_slack: FakeSlack
) -> None:
    clock = SteppingClock()
    fake_slack.fail("chat.postMessage", status=500, times=3)
    await _queue(synced, "asha", Text("thanks"))
    dispatcher = _dispatcher(synced, org, fake_slack.api_url, clock)
    waits = []
    for _ in range(4):
        before = clock.at
        await dispatcher.run_once()
        [row] = await _rows(synced)
        if row.status == "sent":
            break
        waits.append((row.next_attempt_at - before).total_seconds())
        clock.at = row.next_attempt_at
    assert row.status == "sent" and row.attempts == 4
    assert waits[0] < waits[1] < waits[2]  # exponential
    assert len([c for c in fake_slack.of("chat.postMessage")]) == 4


async def test_connection_refused_is_retried(synced: Database, org: Organisation) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    await _queue(synced, "asha", Text("hello"))
    dispatcher = _dispatcher(synced, org, f"http://127.0.0.1:{port}/api/", SteppingClock())
    await dispatcher.run_once()
    [row] = await _rows(synced)
    assert row.status == "pending" and "ClientConnectorError" in (row.last_error or "")


async def test_a_permanent_error_fails_the_message_without_retrying(
    synced: Database, org: Organisation, fake_slack: FakeSlack
) -> None:
    fake_slack.fail("chat.postMessage", error="user_disabled")
    await _queue(synced, "ben", Text("hi"))
    await _dispatcher(synced, org, fake_slack.api_url, SteppingClock()).run_once()
    [row] = await _rows(synced)
    assert row.status == "failed" and row.last_error == "user_disabled"


async def test_someone_with_no_reachable_platform_is_recorded_not_dropped(
    synced: Database, org: Organisation, fake_slack: FakeSlack
) -> None:
    await _queue(synced, "dan", Text("hi"))  # Teams only; no Teams messenger here
    await _dispatcher(synced, org, fake_slack.api_url, SteppingClock()).run_once()
    [row] = await _rows(synced)
    assert row.status == "failed" and "no platform" in (row.last_error or "")


async def test_giving_up_after_max_attempts(
    synced: Database, org: Organisation, fake_slack: FakeSlack
) -> None:
    clock = SteppingClock()
    fake_slack.fail("chat.postMessage", status=503, times=MAX_ATTEMPTS + 5)
    await _queue(synced, "asha", Text("hi"))
    dispatcher = _dispatcher(synced, org, fake_slack.api_url, clock)
    for _ in range(MAX_ATTEMPTS):
        await dispatcher.run_once()
        clock.advance(400)
    [row] = await _rows(synced)
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS


async def test_a_claimed_message_of_a_dead_worker_comes_back_after_the_lease(
    synced: Database, org: Organisation, fake_slack: FakeSlack
) -> None:
    clock = SteppingClock()
    await _queue(synced, "asha", Text("hi"))
    claimed = await committed(
        synced, lambda uow: claim_due(uow, now=clock.now(), lease=timedelta(minutes=2))
    )
    assert len(claimed) == 1  # ... and the worker dies here
    dispatcher = _dispatcher(synced, org, fake_slack.api_url, clock)
    assert await dispatcher.run_once() == 0
    clock.advance(121)
    assert await dispatcher.run_once() == 1
    assert len(fake_slack.of("chat.postMessage")) == 1


async def test_one_persons_messages_keep_their_order_through_a_rate_limit(
    synced: Database, org: Organisation, fake_slack: FakeSlack
) -> None:
    clock = SteppingClock()
    for i in range(3):
        await _queue(synced, "asha", Text(f"message {i}"))
    fake_slack.fail(
        "chat.postMessage", status=429, error="ratelimited", headers={"Retry-After": "5"}
    )
    dispatcher = _dispatcher(synced, org, fake_slack.api_url, clock)
    await dispatcher.run_once()
    assert len(fake_slack.of("chat.postMessage")) == 1  # the others waited behind it
    clock.advance(5)
    await dispatcher.run_once()
    texts = [c.params["text"] for c in fake_slack.of("chat.postMessage")]
    assert texts == ["message 0", "message 0", "message 1", "message 2"]
    assert all(r.attempts == 1 or r.id == 1 for r in await _rows(synced))


async def test_a_message_a_dead_worker_may_have_sent_is_checked_not_resent(
    synced: Database, org: Organisation, fake_slack: FakeSlack
) -> None:
    clock = SteppingClock()
    await _queue(synced, "asha", Text("sent before the crash"), key="prompt:asha")
    await _queue(synced, "tom", Text("never sent"), key="prompt:tom")
    await committed(synced, lambda uow: claim_due(uow, now=clock.now(), lease=timedelta(minutes=2)))
    # The dead worker got Asha's message out (tagged with its key) before it died.
    client = AsyncWebClient(token=TOKEN, base_url=fake_slack.api_url)
    await client.chat_postMessage(
        channel="D0ASHA01",
        text="sent before the crash",
        metadata={"event_type": "extramile_outbox", "event_payload": {"key": "prompt:asha"}},
    )
    clock.advance(121)
    assert await _dispatcher(synced, org, fake_slack.api_url, clock).run_once() == 2
    assert len(fake_slack.messages["D0ASHA01"]) == 1  # found, not sent again
    assert len(fake_slack.messages["D0TOM001"]) == 1
    assert {r.status for r in await _rows(synced)} == {"sent"}
    assert len(fake_slack.of("conversations.history")) == 2


async def test_an_outage_of_500s_refusals_and_timeouts_then_recovery_delivers_each_once(
    synced: Database, org: Organisation, fake_slack: FakeSlack
) -> None:
    """Slack fails for a while in every way a network can, then recovers: every queued
    message arrives exactly once. A timed-out post may have landed (here it does), so
    the retry looks before it posts again."""
    api = urlsplit(fake_slack.api_url)
    proxy = TcpProxy(api.hostname or "127.0.0.1", api.port or 80)
    await proxy.start()
    clock = SteppingClock()
    people = ["asha", "tom", "leila", "ben", "chen"]
    for person in people:
        for n in range(2):
            await _queue(synced, person, Text(f"{person} {n}"), key=f"note:{person}:{n}")
    client = AsyncWebClient(
        token=TOKEN, base_url=f"http://127.0.0.1:{proxy.port}{api.path}", timeout=0.3
    )
    messenger = SlackMessenger(client=client, store=SqlDeliveryStore(synced))
    dispatcher = Dispatcher(database=synced, org=org, messengers={"slack": messenger}, clock=clock)

    async def round_of_tries() -> None:
        await dispatcher.run_once()
        clock.advance(400)  # past any back-off

    try:
        fake_slack.fail("chat.postMessage", status=500, times=len(people))  # one each
        await round_of_tries()
        proxy.cut()  # connection refused
        await round_of_tries()
        proxy.restore()
        fake_slack.delay = 0.6  # answers after the client gave up; the posts still land
        slow_round = len(fake_slack.calls)
        await round_of_tries()
        # Slack has done the work of each person's try in the slow round (the fake
        # records and acts on a call before its slow answer), so Slack recovers only
        # after it: the retries below find whatever the round left there.
        await fake_slack.wait_until(lambda: len(fake_slack.calls) - slow_round >= len(people))
        fake_slack.delay = 0.0
        for _ in range(3):
            await round_of_tries()
    finally:
        await proxy.close()

    rows = await _rows(synced)
    assert {r.status for r in rows} == {"sent"}
    assert max(r.attempts for r in rows) >= 3  # it really did go through the outage
    for person in people:
        channel = org.person(person).slack.replace("U", "D", 1)  # type: ignore[union-attr]
        texts = [m["text"] for m in fake_slack.messages[channel]]
        assert sorted(texts) == [f"{person} 0", f"{person} 1"], texts
    # The timed-out ones were looked for, not posted blind.
    assert fake_slack.of("conversations.history")
