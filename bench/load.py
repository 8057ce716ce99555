"""The load the bench sends: signed Slack commands and Teams activities, `in_flight` at a
time, and a row of latencies and rate."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
import uuid
from collections.abc import Callable
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from tests.fakes.fake_slack import SIGNING_SECRET

Latencies = tuple[list[float], float]


IN_ITS_DM = "D0ASHA01"  # her DM with the bot (the fake Slack's): answered in the ack
IN_A_CHANNEL = "C0SHOPFLR"  # answered in her DM, through the inbox and the outbox


def signed_command(
    text: str, channel: str = IN_ITS_DM, *, user: str = "U0ASHA01"
) -> tuple[bytes, dict[str, str]]:
    body = urlencode(
        {
            "command": "/extramile",
            "text": text,
            "user_id": user,
            "channel_id": channel,
            "team_id": "T0RIVER01",
            "trigger_id": f"bench.{uuid.uuid4().hex}",
            "response_url": "",
        }
    )
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=stamp, body=body)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }
    return body.encode(), headers


def teams_activity(service_url: str) -> tuple[bytes, dict[str, str]]:
    activity = {
        "type": "message",
        "id": f"bench:{uuid.uuid4().hex}",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "text": "help",
        "textFormat": "plain",
        "from": {"id": "29:1asha", "aadObjectId": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c05"},
        "recipient": {"id": "28:bot"},
        "conversation": {"conversationType": "personal", "id": "a:1bench"},
        "channelData": {"tenant": {"id": "t1"}},
    }
    return json.dumps(activity).encode(), {"Content-Type": "application/json"}


async def send_load(
    urls: list[str],
    request: Callable[[], tuple[bytes, dict[str, str]]],
    *,
    total: int,
    in_flight: int,
    failed: list[int] | None = None,
    in_ack: list[int] | None = None,
) -> Latencies:
    """`total` requests, `in_flight` at a time, spread round-robin over `urls`; how many
    were not answered 2xx goes in `failed`, else is printed; how many 200s carried a
    body (a reply in the ack) in `in_ack`."""
    latencies: list[float] = []
    errors = bodies = 0
    queue = iter(range(total))
    connector = aiohttp.TCPConnector(limit=in_flight)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal errors, bodies
            for n in queue:
                body, headers = request()
                started = time.perf_counter()
                async with session.post(urls[n % len(urls)], data=body, headers=headers) as r:
                    bodies += bool(await r.read()) and r.status == 200
                    errors += r.status >= 300
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        elapsed = time.perf_counter() - started
    if in_ack is not None:
        in_ack.append(bodies)
    if failed is not None:
        failed.append(errors)
    elif errors:
        print(f"  ({errors} answers were not 2xx)")
    return latencies, total / elapsed


def latency_row(name: str, measured: Latencies, baseline: Latencies | None = None) -> str:
    latencies, rps = measured
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[max(int(len(ordered) * 0.99) - 1, 0)] * 1000
    ratio = f"{rps / baseline[1]:7.2f}" if baseline else f"{'':>7}"
    return f"  {name:<44} {p50:8.1f} {p99:8.1f} {rps:8.0f} {ratio}"


HEADER = f"  {'':<44} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} {'ratio':>7}"
