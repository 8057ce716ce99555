"""A turn's answers through the outbox (Engine.handle with `queue`): how the platform
wants them, and writing them as few messages as can be."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.clock import Clock
from bot.delivery.notifier import Notifier
from bot.domain.org import Person
from bot.messages import Card, Document, Form, Inbound, Outbound, Replies, Text
from storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class QueueReplies:
    """How a platform wants a turn's answers: through the outbox (see Engine.handle).

    `forms`: queue forms too; False where the platform opens them itself, at once
    (a Slack modal needs the trigger id within 3 seconds). `rung`: told when answers
    were queued after the turn (by its work after its answer), to send them at once.
    `answer_here`: given the turn's messages, True when the platform can show them all in
    its answer to the request itself (a Slack slash command's ack body): they come back
    instead of being queued. Only the turn's own answer, never its work after it.
    """

    forms: bool = True
    rung: Callable[[], None] | None = None
    answer_here: Callable[[Sequence[Outbound]], bool] | None = None


async def queue_replies(
    uow: UnitOfWork,
    person: Person,
    inbound: Inbound,
    replies: list[Outbound],
    queue: QueueReplies,
    clock: Clock,
    *part: str,
    answering: bool = False,
) -> list[Outbound]:
    """Write the messages among `replies` to the outbox as one; return the rest. When
    `answering` (the turn's own answer) and the platform can show them in its answer to
    the request (`queue.answer_here`), nothing is queued: all come back."""
    if answering and queue.answer_here is not None and queue.answer_here(replies):
        return replies
    queued: list[Text | Card | Form | Document] = []
    rest: list[Outbound] = []
    for reply in replies:
        if isinstance(reply, Text | Card | Document) or (isinstance(reply, Form) and queue.forms):
            queued.append(reply)
        else:
            rest.append(reply)
    for index, message in enumerate(as_messages(queued)):
        await Notifier(uow, clock.now()).person(
            person.id,
            message,
            "reply",
            inbound.event_key,
            *part,
            *((f"part{index}",) if index else ()),
            platform=inbound.sender.platform,
        )
    return rest


def as_messages(queued: list[Text | Card | Form | Document]) -> list[Replies]:
    """The answers as few messages as can be: together, except that a card a later
    CardUpdate will replace (it has a `card_key`) is a message of its own, so that
    replacing it replaces nothing else."""
    groups: list[list[Text | Card | Form | Document]] = [[]]
    for item in queued:
        if isinstance(item, Card) and item.card_key:
            groups += [[item], []]
        else:
            groups[-1].append(item)
    return [Replies(tuple(group)) for group in groups if group]
