"""The outbox's way into Teams: continue a stored conversation, or create the 1:1 chat."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import ChannelAccount, ConversationParameters, ConversationReference
from msrest.exceptions import ClientRequestError, HttpOperationError

from adapters.teams.bot import TeamsBot
from adapters.teams.notification import NotificationLines
from adapters.teams.references import find_any_chat, find_reference, remember_reference
from adapters.teams.translate import PLATFORM
from bot.delivery.messenger import DeliveryStore, RetryLater, Undeliverable
from bot.domain.org import Person
from bot.messages import CardUpdate, Outbound, card_keys

log = logging.getLogger(__name__)

DEFAULT_SERVICE_URL = "https://smba.trafficmanager.net/teams/"


class TeamsMessenger:
    platform = PLATFORM

    def __init__(
        self,
        *,
        adapter: CloudAdapter,
        bot: TeamsBot,
        store: DeliveryStore,
        app_id: str | None,
        tenant_id: str | None,
        service_url: str = DEFAULT_SERVICE_URL,
        service_url_allowed: Callable[[str], bool] | None = None,
    ) -> None:
        """`service_url_allowed`: a last check on every serviceUrl used (the emulator mode
        allows loopback only). With credentials the stored ones were vouched for by a token
        when they were saved (adapters/teams/mount.py refuses any other request).

        The adapter it is given sends every card with its notification line from then on,
        the turns' answers too (adapters/teams/notification.py)."""
        adapter.use(NotificationLines())
        self._adapter = adapter
        self._bot = bot
        self._store = store
        self._app_id = app_id
        self._tenant_id = tenant_id
        self._service_url = service_url
        self._allowed = service_url_allowed

    def _check(self, service_url: str | None) -> None:
        if self._allowed is not None and not self._allowed(service_url or ""):
            raise Undeliverable("its serviceUrl is not one this bot may call (emulator mode)")

    async def settle(self) -> None:
        return None  # each conversation reference is saved as it is made

    def can_reach(self, person: Person) -> bool:
        return person.teams is not None

    async def send(
        self, person: Person, message: Outbound, *, dedupe_key: str, maybe_sent: bool = False
    ) -> None:
        # Teams has no way to look a sent message up by our key: a message whose sender
        # died mid-send may, rarely, arrive twice.
        try:
            if isinstance(message, CardUpdate) and await self._update(person, message):
                return
            await self._post(person, message)
        except HttpOperationError as error:
            raise _classify(error) from None
        except ClientRequestError as error:
            raise RetryLater(f"connector unreachable: {error}") from None

    async def post_to_channel(self, channel: str, message: Outbound) -> None:
        """A new thread in a team channel (Teams needs the tenant and the service URL)."""
        known = await find_any_chat(self._store)
        tenant = self._tenant_id or (known.tenant_id if known else None)
        if tenant is None:
            raise Undeliverable("no tenant id is known yet")
        service_url = known.reference.service_url if known else self._service_url
        self._check(service_url)
        parameters = ConversationParameters(
            is_group=True,
            bot=ChannelAccount(id=f"28:{self._app_id}" if self._app_id else "28:extramile"),
            tenant_id=tenant,
            channel_data={"channel": {"id": channel}, "tenant": {"id": tenant}},
        )

        async def deliver(context: TurnContext) -> None:
            await self._bot.send(context, [message])

        try:
            await self._adapter.create_conversation(
                self._app_id, deliver, parameters, "msteams", service_url
            )
        except HttpOperationError as error:
            raise _classify(error) from None
        except ClientRequestError as error:
            raise RetryLater(f"connector unreachable: {error}") from None

    async def _update(self, person: Person, update: CardUpdate) -> bool:
        """Every copy of the card this person got shows its new state; False if none."""
        copies = await self._store.posted(update.card_key, person.id, PLATFORM)
        for copy in copies:
            reference = ConversationReference().deserialize(copy["reference"])
            self._check(reference.service_url)
            activity_id = str(copy["activity_id"])

            async def replace(context: TurnContext, activity_id: str = activity_id) -> None:
                await self._bot.replace(context, activity_id, update.card)

            await self._adapter.continue_conversation(reference, replace, self._app_id)
        return bool(copies)

    async def _post(self, person: Person, message: Outbound) -> None:
        key = next(iter(card_keys(message)), None)

        async def deliver(context: TurnContext) -> None:
            await remember_reference(self._store, person.id, context.activity)
            activity_id = await self._bot.send(context, [message])
            if key and activity_id:
                reference = TurnContext.get_conversation_reference(context.activity)
                await self._store.remember_posted(
                    key,
                    person.id,
                    PLATFORM,
                    {"activity_id": activity_id, "reference": reference.serialize()},
                )

        reference = await find_reference(self._store, person.id)
        if reference is not None:
            self._check(reference.service_url)
            await self._adapter.continue_conversation(reference, deliver, self._app_id)
            return
        await self._create(person, deliver)

    async def _create(
        self, person: Person, deliver: Callable[[TurnContext], Awaitable[None]]
    ) -> None:
        """Only the AAD object id is known: open the personal chat (Teams needs the tenant).

        The tenant and the regional service URL come from the settings, else from
        anyone in the organisation who has talked to the bot already.
        """
        known = await find_any_chat(self._store)
        tenant = self._tenant_id or (known.tenant_id if known else None)
        service_url = known.reference.service_url if known else self._service_url
        if tenant is None:
            raise Undeliverable("never talked to the bot, and no tenant id is known")
        self._check(service_url)
        assert person.teams is not None
        parameters = ConversationParameters(
            is_group=False,
            members=[ChannelAccount(id=person.teams)],
            bot=ChannelAccount(id=f"28:{self._app_id}" if self._app_id else "28:extramile"),
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}},  # what Teams reads (docs/sdk-notes.md)
        )
        await self._adapter.create_conversation(
            self._app_id, deliver, parameters, "msteams", service_url
        )


def _classify(error: HttpOperationError) -> Exception:
    response = error.response
    status = getattr(response, "status_code", None) or getattr(response, "status", 0)
    if status == 429:
        after = response.headers.get("Retry-After") if response is not None else None
        return RetryLater("rate limited", float(after) if after else None)
    if status in (401, 403, 404):
        # Uninstalled, blocked, or no such user: trying again will not help.
        return Undeliverable(f"Teams answered {status}")
    return RetryLater(f"Teams answered {status}")
