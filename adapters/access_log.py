"""The access log, without the secrets that travel in a URL.

aiohttp's default access log prints the request line, and a download link's token is
in it (`/files/<token>`): anyone who can read the log could open the document until
the link expires. This logger prints `/files/…` instead, and the path as it came
(percent-encoded), so nothing a client sends can forge a log line.
"""

from __future__ import annotations

import logging

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse

SECRET_PATHS = ("/files/",)  # the rest of the path is a bearer token
MAX_PATH = 200


def loggable_path(raw_path: str) -> str:
    """The path to log: a secret part replaced by "…", the whole cut to MAX_PATH."""
    for prefix in SECRET_PATHS:
        if raw_path.startswith(prefix):
            return prefix + "…"
    path = raw_path.split("?", 1)[0]
    return path if len(path) <= MAX_PATH else path[:MAX_PATH] + "…"


class AccessLogger(AbstractAccessLogger):
    """`remote "METHOD path HTTP/x.y" status bytes seconds "user agent"`."""

    @property
    def enabled(self) -> bool:
        """Nothing to do unless INFO is logged (EXTRAMILE_LOG_LEVEL)."""
        return self.logger.isEnabledFor(logging.INFO)

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        version = request.version
        agent = request.headers.get("User-Agent", "-")[:100].encode("unicode_escape").decode()
        self.logger.info(
            '%s "%s %s HTTP/%d.%d" %d %d %.3fs "%s"',
            request.remote or "-",
            request.method,
            loggable_path(request.rel_url.raw_path),
            version.major,
            version.minor,
            response.status,
            response.body_length,
            time,
            agent,
        )
