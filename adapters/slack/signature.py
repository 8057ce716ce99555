"""Slack's request signature (v0), checked over the raw bytes before anything is parsed."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass

# Seconds since the epoch, as Slack sends it: ASCII digits, nothing else (int() would
# take "١٧٠٠٠٠٠٠٠٠" or " 17 ", and raise on 5,000 digits).
TIMESTAMP = re.compile(r"[0-9]{1,12}")
MAX_AGE_SECONDS = 5 * 60  # Slack's advice: refuse older requests (replays)


@dataclass(frozen=True, slots=True)
class SlackSignature:
    """Slack's request signature (v0), computed over the raw bytes of the body, so a body
    that is not UTF-8 is refused as unsigned or as malformed, never a decoding error."""

    secret: bytes

    def valid(self, stamp: str, body: bytes, signature: str, now: float | None = None) -> bool:
        if abs((time.time() if now is None else now) - int(stamp)) > MAX_AGE_SECONDS:
            return False
        base = b"v0:" + stamp.encode() + b":" + body
        expected = "v0=" + hmac.new(self.secret, base, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "surrogateescape"))
