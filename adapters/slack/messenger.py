"""The outbox's way into Slack: a DM to the person, with Slack's errors sorted."""

from __future__ import annotations

from collections.abc import Awaitable

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import (
    PLATFORM,
    already_posted,
    as_message,
    dm_channel,
    image_of,
    post,
    retry_after,
    update,
    upload_document,
    upload_image,
)
from bot.delivery.messenger import DeliveryStore, RetryLater, Undeliverable
from bot.domain.org import Person
from bot.messages import CardUpdate, Document, Outbound, Replies, card_keys, opened

# Slack errors that will not get better by trying again.
PERMANENT = frozenset(
    {
        "user_not_found",
        "users_not_found",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "cannot_dm_bot",
        "user_disabled",
        "account_inactive",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "missing_scope",
        "invalid_blocks",
    }
)


# What an admin can do when a channel post fails for good (told to them in chat).
ADVICE = {
    "not_in_channel": "Invite me to the channel (type `/invite @Extra Mile` in it), or add "
    "the `chat:write.public` scope to the app and reinstall it (public channels only).",
    "channel_not_found": "Check the channel id in the organisation file (in Slack: the "
    "channel's name, then About, at the bottom); for a private channel, invite me first.",
    "is_archived": "The channel is archived: unarchive it, or set another channel in the "
    "organisation file.",
    "missing_scope": "Add the `chat:write` scope to the app and reinstall it.",
}


class SlackMessenger:
    platform = PLATFORM

    def __init__(self, *, client: AsyncWebClient, store: DeliveryStore) -> None:
        self._client = client
        self._store = store
        # person id -> DM channel, read once from the database, then kept: a DM's id
        # never changes, and someone not in it yet is reached by user id anyway.
        self._dms: dict[str, str] | None = None
        self._learned: dict[str, dict[str, object]] = {}  # new DMs, saved by settle()

    def can_reach(self, person: Person) -> bool:
        return person.slack is not None

    async def send(
        self, person: Person, message: Outbound, *, dedupe_key: str, maybe_sent: bool = False
    ) -> None:
        await self._sorted(self._send(person, message, dedupe_key, maybe_sent))

    async def post_to_channel(self, channel: str, message: Outbound) -> None:
        await self._sorted(post(self._client, channel, as_message(message)))

    async def _sorted(self, work: Awaitable[object]) -> None:
        """Run a Slack call, turning Slack's errors into the outbox's two kinds."""
        try:
            await work
        except SlackApiError as error:
            code = str(error.response.get("error", ""))
            if error.response.status_code == 429:
                raise RetryLater("rate limited", retry_after(error)) from None
            if code in PERMANENT:
                raise Undeliverable(code, ADVICE.get(code, "")) from None
            raise RetryLater(code or f"HTTP {error.response.status_code}") from None
        except aiohttp.ClientConnectorError as error:  # never reached Slack
            raise RetryLater(f"{type(error).__name__}: {error}") from None
        except (aiohttp.ClientError, TimeoutError) as error:  # may have: no answer came back
            reason = f"{type(error).__name__}: {error}"
            raise RetryLater(reason, maybe_sent=True) from None

    async def settle(self) -> None:
        learned, self._learned = self._learned, {}
        await self._store.remember_addresses(PLATFORM, learned)

    async def _known_dms(self) -> dict[str, str]:
        if self._dms is None:
            addresses = await self._store.addresses(PLATFORM)
            self._dms = {
                person_id: str(address["channel"])
                for person_id, address in addresses.items()
                if isinstance(address.get("channel"), str)
            }
        return self._dms

    async def _send(
        self, person: Person, message: Outbound, dedupe_key: str, maybe_sent: bool
    ) -> None:
        if isinstance(message, CardUpdate):
            copies = await self._store.posted(message.card_key, person.id, PLATFORM)
            for copy in copies:
                await update(
                    self._client, str(copy["channel"]), str(copy["ts"]), as_message(message)
                )
            if copies:
                return
        dms = await self._known_dms()
        channel = dms.get(person.id)
        if channel is None and isinstance(message, Replies):
            # An answer to someone talking to us: open their DM once and remember it
            # (a fan-out posts to the user id instead, sparing conversations.open).
            channel = dms[person.id] = await dm_channel(self._client, self._store, person)
        if maybe_sent:
            channel = channel or await dm_channel(self._client, self._store, person)
            if (ts := await already_posted(self._client, channel, dedupe_key)) is not None:
                # It got there before the sender died; what died with it was the note
                # of where it is, which a later CardUpdate needs to edit it in place.
                await self._remember_copy(person, message, channel, ts)
                return
        assert person.slack is not None
        posted = await post(
            self._client, channel or person.slack, as_message(message), key=dedupe_key
        )
        if channel is None:
            self._learned[person.id] = {"channel": posted.channel}
        channel, ts = posted.channel, posted.ts
        dms[person.id] = channel
        for item in opened([message]):
            if (card := image_of(item)) is not None:
                await upload_image(self._client, channel, card)
            if isinstance(item, Document):
                await upload_document(self._client, channel, item)
        await self._remember_copy(person, message, channel, ts)

    async def _remember_copy(
        self, person: Person, message: Outbound, channel: str, ts: str
    ) -> None:
        """Where a card now is in someone's DM, so its later states replace it."""
        for key in card_keys(message):
            await self._store.remember_posted(
                key, person.id, PLATFORM, {"channel": channel, "ts": ts}
            )
