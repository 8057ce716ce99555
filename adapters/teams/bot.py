"""The botbuilder ActivityHandler: translate, ask the engine, answer on the turn.

`adaptiveCard/action` invokes are answered here, not by ActivityHandler's own
path: that one serialises the body twice and Teams gets a 500 (docs/sdk-notes.md).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from http import HTTPStatus
from typing import Any, ClassVar

from botbuilder.core import (
    ActivityHandler,
    CardFactory,
    InvokeResponse,
    MessageFactory,
    TurnContext,
)
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import (
    Activity,
    AdaptiveCardInvokeResponse,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)

from adapters.background import Background
from adapters.links import LinkSigner
from adapters.teams import cards, translate
from adapters.teams.references import reference_of, tenant_of_activity
from adapters.teams.roster import found_by_email
from adapters.teams.translate import PLATFORM
from bot.delivery.messenger import DeliveryStore
from bot.engine import Engine
from bot.messages import (
    Address,
    Card,
    CardUpdate,
    Document,
    Form,
    Inbound,
    Outbound,
    Refusal,
    Sender,
    opened,
)

log = logging.getLogger(__name__)


class TeamsBot(ActivityHandler):  # type: ignore[misc]
    def __init__(
        self,
        *,
        engine: Engine,
        store: DeliveryStore,
        app_id: str | None,
        links: LinkSigner | None = None,
        public_url: str = "http://localhost:3978",
        background: Background | None = None,
    ) -> None:
        self.links = links or LinkSigner()
        self.public_url = public_url.rstrip("/")
        self.engine = engine
        self.store = store
        self.app_id = app_id
        self._background = background or Background("Teams replies")

    # --- messages ------------------------------------------------------------------------

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        sender = self._sender(activity)
        inbound: Inbound | None
        if isinstance(activity.value, dict) and not activity.text:
            inbound = translate.from_submit_value(sender, activity.value, activity.id or "")
        else:
            inbound = translate.from_text(sender, activity.text or "", activity.id or "")
        if inbound is None:
            await self._remember(turn_context, sender)
            await turn_context.send_activity("I don't recognise that button. Try `help`.")
            return
        # Where they wrote from travels with the message: saved in the turn's transaction.
        inbound = replace(inbound, address=_address(activity))
        await self.send(turn_context, await self.engine.handle(inbound))

    # --- Action.Execute ----------------------------------------------------------------------

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        activity = turn_context.activity
        if activity.name != "adaptiveCard/action":
            return await super().on_invoke_activity(turn_context)
        sender = self._sender(activity)
        value = translate.invoke_value(activity.value)
        if value is None:
            await self._remember(turn_context, sender)
            return _message_response("That button sent nothing I can use.")
        data = value.action.data
        inbound = translate.from_action(sender, value.action.verb, data, activity.id or "")
        inbound = replace(inbound, address=_address(activity))
        replies = await self.engine.handle(inbound)
        refusals = [r for r in replies if isinstance(r, Refusal)]
        if refusals:
            # Refused: the clicked card stays as it was, and the clicker is told why. In
            # their own chat they also get it as a reply; in a shared one it is theirs alone.
            rest = replies if _personal(activity) else [r for r in replies if r not in refusals]
            answer = _message_response("\n\n".join(r.text for r in refusals))
        else:
            card, rest = _card_for_the_click(replies, data)
            answer = _card_response(card)
        if rest:
            # After the invoke is answered: Teams waits for the card, not for these.
            reference = TurnContext.get_conversation_reference(activity)
            self._background.later(self._send_later(turn_context.adapter, reference, rest))
        return answer

    async def _send_later(
        self, adapter: Any, reference: ConversationReference, replies: list[Outbound]
    ) -> None:
        async def send(context: TurnContext) -> None:
            await self.send(context, replies)

        try:
            await adapter.continue_conversation(reference, send, self.app_id)
        except Exception:
            log.exception("could not send the replies that followed a card click")

    async def drain(self) -> None:
        """Wait for replies still being sent (on shutdown, and in tests)."""
        await self._background.drain()

    # --- installs and rosters ------------------------------------------------------------------

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        activity = turn_context.activity
        bot_added = any(m.id == activity.recipient.id for m in members_added)
        if not bot_added:
            return
        if _team_id(activity) is not None:
            await self._greet_the_team(turn_context)
            return
        sender = self._sender(activity)
        await self._remember(turn_context, sender)
        await self.send(turn_context, await self.engine.resume(sender))

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        # The welcome goes with conversationUpdate (Teams sends both on install).
        await self._remember(turn_context, self._sender(turn_context.activity))

    async def _greet_the_team(self, turn_context: TurnContext) -> None:
        """Installed in a team: open a personal chat with every member we know."""
        members = await _all_members(turn_context)
        activity = turn_context.activity
        tenant = tenant_of_activity(activity)
        for member in members:
            aad = getattr(member, "aad_object_id", None)
            sender = translate.sender_of(aad, member.id)
            if self.engine.who(sender) is None and not await found_by_email(self.engine, member):
                continue
            parameters = ConversationParameters(
                is_group=False,
                bot=activity.recipient,
                members=[ChannelAccount(id=member.id)],
                tenant_id=tenant,
                channel_data={"tenant": {"id": tenant}},  # what Teams reads (docs/sdk-notes.md)
            )

            async def welcome(context: TurnContext, sender: Sender = sender) -> None:
                await self._remember(context, sender)
                await self.send(context, await self.engine.resume(sender))

            await turn_context.adapter.create_conversation(
                self.app_id, welcome, parameters, activity.channel_id, activity.service_url
            )

    # --- helpers ----------------------------------------------------------------------------------

    def _sender(self, activity: Activity) -> Sender:
        user = activity.from_property
        return translate.sender_of(getattr(user, "aad_object_id", None), user.id if user else "")

    async def _remember(self, turn_context: TurnContext, sender: Sender) -> None:
        """Where someone is, from an activity that is no turn of the engine's (an install):
        through the store, which writes only what changed."""
        person = self.engine.who(sender)
        address = _address(turn_context.activity)
        if person is not None and address is not None:
            await self.store.remember_address(
                person.id, PLATFORM, address.reference, timezone=address.timezone
            )

    async def send(self, turn_context: TurnContext, replies: list[Outbound]) -> str | None:
        """One activity for the turn: the texts, and the cards as attachments; its id."""
        replies = opened(replies)
        text = cards.text_of(replies)
        attachments = [
            CardFactory.adaptive_card(card)
            for card in (cards.attachment_json(r) for r in replies)
            if card is not None
        ]
        attachments += [
            CardFactory.adaptive_card(
                cards.document_json(
                    r.title, self.document_url(r), "PDF" if r.mime == "application/pdf" else "JSON"
                )
            )
            for r in replies
            if isinstance(r, Document)
        ]
        if not text and not attachments:
            return None
        message = MessageFactory.text(text) if text else MessageFactory.attachment(attachments[0])
        message.text_format = "plain"  # the engine's text is plain: no typed markdown
        message.attachments = attachments or None
        sent = await turn_context.send_activity(message)
        return sent.id if sent is not None else None

    def document_url(self, document: Document) -> str:
        token = self.links.token(document.person_id, kind=document.kind)
        return f"{self.public_url}/files/{token}"

    async def replace(self, turn_context: TurnContext, activity_id: str, card: Card) -> None:
        """Show a card's new state in place of the message that carried it."""
        update = MessageFactory.attachment(CardFactory.adaptive_card(cards.card_json(card)))
        update.id = activity_id
        await turn_context.update_activity(update)


def _card_for_the_click(
    replies: list[Outbound], data: translate.ActionData
) -> tuple[dict[str, Any], list[Outbound]]:
    """The card that replaces the clicked one, and the replies that go as new messages."""
    for index, reply in enumerate(replies):
        if isinstance(reply, Form):
            # A form (a reason to give, or errors with what was typed) takes the card's place.
            return cards.form_json(reply), replies[:index] + replies[index + 1 :]
        if isinstance(reply, CardUpdate):
            return cards.card_json(reply.card), replies[:index] + replies[index + 1 :]
    chosen = "Sent" if data.form_id else (data.label or "Done")
    return cards.settled_json(data.card or "Extra Mile", chosen), replies


class _MessageInvokeResponse(AdaptiveCardInvokeResponse):  # type: ignore[misc]
    """The invoke answer that leaves the clicked card as it was and shows `value`, a
    string, to the clicker (the SDK's own model only serialises a card's dict)."""

    _attribute_map: ClassVar[dict[str, dict[str, str]]] = {
        **AdaptiveCardInvokeResponse._attribute_map,
        "value": {"key": "value", "type": "str"},
    }


MESSAGE_TYPE = "application/vnd.microsoft.activity.message"


def _message_response(text: str) -> InvokeResponse:
    body = _MessageInvokeResponse(status_code=200, type=MESSAGE_TYPE, value=text)
    return InvokeResponse(status=int(HTTPStatus.OK), body=body)


def _personal(activity: Activity) -> bool:
    conversation = activity.conversation
    return conversation is not None and conversation.conversation_type in (None, "personal")


def _address(activity: Activity) -> Address | None:
    """Where to reach the sender again: their personal chat (its reference, with the
    tenant) and the time zone Teams reported; None from a shared chat."""
    if not _personal(activity):
        return None
    zone = getattr(activity, "local_timezone", None)
    return Address(reference_of(activity), timezone=zone or None)


def _card_response(card: dict[str, Any]) -> InvokeResponse:
    # Body is the model itself: CloudAdapter.process serialises it once.
    body = AdaptiveCardInvokeResponse(status_code=200, type=cards.CONTENT_TYPE, value=card)
    return InvokeResponse(status=int(HTTPStatus.OK), body=body)


def _team_id(activity: Activity) -> str | None:
    data = activity.channel_data or {}
    team = data.get("team") if isinstance(data, dict) else None
    return str(team["id"]) if isinstance(team, dict) and team.get("id") else None


async def _all_members(turn_context: TurnContext) -> list[Any]:
    members: list[Any] = []
    token = None
    while True:
        page = await TeamsInfo.get_paged_members(turn_context, token, 500)
        members += page.members or []
        token = page.continuation_token
        if not token:
            return members
