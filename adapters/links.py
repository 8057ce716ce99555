"""Signed, expiring links to documents the bot serves (a portfolio for Teams).

The server signs with EXTRAMILE_LINK_SECRET if set, else with a key generated once and
stored in the database (storage.secrets), so a link made by one worker opens on any
other, and still opens after a restart, until it expires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

LIFETIME_SECONDS = 24 * 3600


@dataclass(frozen=True, slots=True)
class Link:
    person_id: str
    expires: int
    kind: str = "portfolio"  # or "export"


class LinkSigner:
    def __init__(self, secret: bytes | None = None) -> None:
        # Without a secret (tests that build a bot alone), links work in this process only;
        # the server always passes one (app.server).
        self._secret = secret or secrets.token_bytes(32)

    def token(self, person_id: str, *, kind: str = "portfolio", now: float | None = None) -> str:
        expires = int((time.time() if now is None else now) + LIFETIME_SECONDS)
        body = json.dumps({"p": person_id, "e": expires, "k": kind})
        data = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
        return f"{data}.{self._sign(data)}"

    def verify(self, token: str, *, now: float | None = None) -> Link | None:
        if not token.isascii():  # ours are base64url; compare_digest refuses other text
            return None
        data, _, signature = token.partition(".")
        if not hmac.compare_digest(signature.encode(), self._sign(data).encode()):
            return None
        try:
            body = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
            link = Link(str(body["p"]), int(body["e"]), str(body.get("k", "portfolio")))
        except (ValueError, KeyError, TypeError):
            return None
        return link if link.expires >= (time.time() if now is None else now) else None

    def _sign(self, data: str) -> str:
        digest = hmac.new(self._secret, data.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")
