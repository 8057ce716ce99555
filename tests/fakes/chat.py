"""A test driver for conversations with the engine: say, click, fill in, read the replies."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from bot.engine import Engine
from bot.messages import (
    Button,
    ButtonClick,
    Card,
    CardUpdate,
    Form,
    FormSubmission,
    Inbound,
    Outbound,
    Refusal,
    Sender,
    Text,
    TextMessage,
)

_keys = itertools.count()


def text_of(replies: list[Outbound]) -> str:
    """Everything a person would read in these replies, as one string."""
    parts: list[str] = []
    for reply in replies:
        if isinstance(reply, CardUpdate):
            reply = reply.card
        match reply:
            case Text(text=text) | Refusal(text=text):
                parts.append(text)
            case Card() as card:
                parts += [card.title, card.text, *(f"{f.label}: {f.value}" for f in card.fields)]
                for row in card.rows:
                    parts += [row.label, *(b.label for b in row.buttons)]
                parts += [b.label for b in card.buttons]
            case Form() as form:
                parts += [form.title, *form.errors.values()]
    return "\n".join(parts)


@dataclass
class Chat:
    engine: Engine
    person_id: str
    platform: str = "console"
    last: list[Outbound] = field(default_factory=list)

    @property
    def sender(self) -> Sender:
        return Sender(self.platform, self.person_id)

    def _key(self) -> str:
        return f"test:{next(_keys)}"

    async def send(self, inbound: Inbound) -> list[Outbound]:
        self.last = await self.engine.handle(inbound)
        return self.last

    async def send_text(self, text: str) -> list[Outbound]:
        return await self.send(TextMessage(self.sender, text, self._key()))

    async def say(self, text: str) -> str:
        return text_of(await self.send(TextMessage(self.sender, text, self._key())))

    def visible_buttons(self) -> list[Button]:
        """Every button of the last replies' cards (and updated cards), rows included."""
        cards = [r.card if isinstance(r, CardUpdate) else r for r in self.last]
        return [b for r in cards if isinstance(r, Card) for b in r.all_buttons]

    def button(self, label: str) -> Button:
        buttons = self.visible_buttons()
        matches = [b for b in buttons if b.label == label]
        assert matches, f"no button {label!r} in {[b.label for b in buttons]}"
        return matches[0]

    async def press(self, button: Button) -> list[Outbound]:
        return await self.send(
            ButtonClick(self.sender, button.action_id, button.value, self._key())
        )

    async def click(self, label: str) -> str:
        return text_of(await self.press(self.button(label)))

    @property
    def form(self) -> Form:
        forms = [r for r in self.last if isinstance(r, Form)]
        assert forms, f"no form in {self.last}"
        return forms[-1]

    async def submit(self, **values: str) -> str:
        form = self.form
        filled = {f.name: f.value for f in form.fields} | values
        return text_of(
            await self.send(FormSubmission(self.sender, form.form_id, filled, self._key()))
        )
