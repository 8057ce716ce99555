"""Teams security: off unless configured; with credentials only requests carrying a valid
Bot Framework token get in, and answers go only to the serviceUrl that token vouched for;
the unauthenticated emulator mode is opt-in, loopback-only, and answers only to loopback."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer, make_mocked_request
from botframework.connector.auth import (
    AuthenticationConstants,
    ChannelValidation,
    MicrosoftAppCredentials,
)
from pytest_aiohttp import AiohttpClient
from pytest_mock import MockerFixture

from adapters.teams.mount import TEAMS, teams_messages
from app.server import create_app
from bot.settings import EXAMPLE_ORG_FILE, Settings
from tests.fakes.bot_framework_auth import SigningKeys, openid_server
from tests.fakes.fake_connector import FakeConnector
from tests.fakes.teams_harness import ASHA, BOT, TeamsDriver, non_loopback_address

APP_ID = "00000000-aaaa-4bbb-8ccc-000000000001"
# An issuer the SDK takes for the Bot Framework Emulator's (AAD) tokens: no serviceurl claim.
AAD_ISSUER = "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/"


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]


@dataclass
class Trap:
    """An HTTP server that records every request: where an attacker wants answers sent."""

    host: str = "127.0.0.1"
    hits: list[str] = field(default_factory=list)
    server: TestServer | None = None

    async def start(self) -> None:
        async def record(request: web.Request) -> web.Response:
            self.hits.append(f"{request.method} {request.path}")
            return web.json_response({"id": "1:trap"}, status=201)

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", record)
        self.server = TestServer(app, host=self.host, port=0)
        await self.server.start_server()

    @property
    def port(self) -> int:
        assert self.server is not None and self.server.port is not None
        return self.server.port


@pytest.fixture
async def trap() -> AsyncIterator[Trap]:
    server = Trap()
    await server.start()
    yield server
    assert server.server is not None
    await server.server.close()


# --- with credentials ----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def bot_token(monkeypatch: pytest.MonkeyPatch) -> str:
    """The bot's own token for its calls to the connector, as AAD would issue it (the one
    network edge these tests do not serve locally: MSAL insists on https)."""
    token = "token-from-aad"
    monkeypatch.setattr(
        MicrosoftAppCredentials, "get_access_token", lambda self, force_refresh=False: token
    )
    return token


@pytest.fixture
def keys() -> SigningKeys:
    return SigningKeys()


@pytest.fixture
def metadata_url(keys: SigningKeys, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The SDK's own hooks for where tokens' keys live (channel and emulator tokens),
    pointed at a local stand-in for login.botframework.com."""
    with openid_server(keys) as url:
        monkeypatch.setattr(ChannelValidation, "open_id_metadata_endpoint", url)
        monkeypatch.setattr(
            AuthenticationConstants, "TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL", url
        )
        yield url


def _secure_settings(tmp_path: Path, **more: Any) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'secure.db'}",
        org_file=EXAMPLE_ORG_FILE,
        microsoft_app_id=APP_ID,
        microsoft_app_password="not-used-in-these-tests",
        **more,
    )


@pytest.fixture
async def secured(
    tmp_path: Path, metadata_url: str, fake_connector: FakeConnector, aiohttp_client: AiohttpClient
) -> TeamsDriver:
    client = await aiohttp_client(create_app(_secure_settings(tmp_path)))
    return TeamsDriver(client=client, connector=fake_connector)


def _message(driver: TeamsDriver, **fields: Any) -> dict[str, Any]:
    return driver.activity(ASHA, type="message", text="help", textFormat="plain", **fields)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_no_token_is_refused(secured: TeamsDriver) -> None:
    response = await secured.post(_message(secured))
    assert response.status == 401
    assert secured.connector.calls == []


async def test_a_token_signed_by_someone_else_is_refused(secured: TeamsDriver) -> None:
    forger = SigningKeys(kid="test-key-1")  # same key id, different key
    token = forger.token(audience=APP_ID, service_url=secured.connector.service_url)
    response = await secured.post(_message(secured), _bearer(token))
    assert response.status == 401


async def test_a_token_for_another_bot_is_refused(secured: TeamsDriver, keys: SigningKeys) -> None:
    token = keys.token(audience="another-bot", service_url=secured.connector.service_url)
    response = await secured.post(_message(secured), _bearer(token))
    assert response.status == 401


async def test_an_expired_token_is_refused(secured: TeamsDriver, keys: SigningKeys) -> None:
    token = keys.token(audience=APP_ID, service_url=secured.connector.service_url, expires_in=-3600)
    response = await secured.post(_message(secured), _bearer(token))
    assert response.status == 401


async def test_healthz_says_authenticated(secured: TeamsDriver) -> None:
    body = await (await secured.client.get("/healthz")).json()
    assert body["adapters"]["teams"] is True
    assert body["notes"]["teams_auth"] == "authenticated"


async def test_a_valid_token_for_this_service_url_gets_an_answer(
    secured: TeamsDriver, keys: SigningKeys, bot_token: str
) -> None:
    token = keys.token(audience=APP_ID, service_url=secured.connector.service_url)
    response = await secured.post(_message(secured), _bearer(token))
    assert response.status in (200, 201)
    [call] = await secured.connector.wait_for_sent()
    assert call.conversation_id == f"a:1personal-{ASHA['id']}"
    assert call.headers["Authorization"] == f"Bearer {bot_token}"


async def test_the_service_urls_are_compared_normalised(
    secured: TeamsDriver, keys: SigningKeys
) -> None:
    vouched = secured.connector.service_url.rstrip("/").replace("http://", "HTTP://")
    token = keys.token(audience=APP_ID, service_url=vouched)
    response = await secured.post(_message(secured), _bearer(token))
    assert response.status in (200, 201)
    await secured.connector.wait_for_sent()


async def test_a_service_url_the_token_did_not_vouch_for_gets_no_call(
    secured: TeamsDriver, keys: SigningKeys, trap: Trap
) -> None:
    token = keys.token(audience=APP_ID, service_url=secured.connector.service_url)
    activity = _message(secured, serviceUrl=f"http://127.0.0.1:{trap.port}/")
    response = await secured.post(activity, _bearer(token))
    assert response.status in (401, 403)
    assert trap.hits == [] and secured.connector.calls == []


async def test_a_token_with_no_service_url_claim_vouches_for_none(
    secured: TeamsDriver, keys: SigningKeys, trap: Trap
) -> None:
    """An emulator-style (AAD) token passes the SDK without any serviceurl claim."""
    token = keys.token(
        audience=APP_ID, service_url=None, issuer=AAD_ISSUER, extra={"ver": "1.0", "appid": APP_ID}
    )
    activity = _message(secured, serviceUrl=f"http://127.0.0.1:{trap.port}/")
    response = await secured.post(activity, _bearer(token))
    assert response.status in (401, 403)
    assert trap.hits == [] and secured.connector.calls == []


async def test_nothing_is_remembered_from_a_refused_request(
    secured: TeamsDriver, keys: SigningKeys, trap: Trap
) -> None:
    """A conversation reference is written only from a request whose serviceUrl was vouched."""
    from sqlmodel import select

    from adapters.state import RUNTIME
    from storage.tables import ConversationRefRow
    from storage.uow import UnitOfWork

    token = keys.token(audience=APP_ID, service_url=secured.connector.service_url)
    activity = _message(secured, serviceUrl=f"http://127.0.0.1:{trap.port}/")
    assert (await secured.post(activity, _bearer(token))).status in (401, 403)
    async with UnitOfWork(secured.client.server.app[RUNTIME].database) as uow:
        assert (await uow.session.exec(select(ConversationRefRow))).all() == []


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a b", "bearer x.y"],
)
async def test_a_missing_or_malformed_header_is_401_before_the_body_is_read(
    secured: TeamsDriver, caplog: pytest.LogCaptureFixture, authorization: str | None
) -> None:
    headers = {"Content-Type": "text/plain"}  # and a body that is not even JSON
    if authorization is not None:
        headers["Authorization"] = authorization
    response = await secured.client.post("/api/messages", data=b"\xff{nope", headers=headers)
    assert response.status == 401
    assert _errors(caplog) == []


@pytest.mark.parametrize("drop", ["serviceUrl", "conversation", "from", "channelId"])
async def test_a_signed_but_malformed_activity_is_400(
    secured: TeamsDriver, keys: SigningKeys, caplog: pytest.LogCaptureFixture, drop: str
) -> None:
    token = keys.token(audience=APP_ID, service_url=secured.connector.service_url)
    activity = _message(secured)
    del activity[drop]
    response = await secured.post(activity, _bearer(token))
    assert response.status == 400
    assert secured.connector.calls == []
    assert _errors(caplog) == []


async def test_credentials_win_over_the_emulator_flag(
    tmp_path: Path,
    metadata_url: str,
    fake_connector: FakeConnector,
    aiohttp_client: AiohttpClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    settings = _secure_settings(tmp_path, teams_emulator=True)
    client = await aiohttp_client(create_app(settings))
    driver = TeamsDriver(client=client, connector=fake_connector)
    assert (await driver.post(_message(driver))).status == 401
    assert fake_connector.calls == []
    body = await (await client.get("/healthz")).json()
    assert body["notes"]["teams_auth"] == "authenticated"
    assert any(
        "EXTRAMILE_TEAMS_EMULATOR" in r.getMessage() and "ignored" in r.getMessage()
        for r in caplog.records
    )


# --- not configured --------------------------------------------------------------------------


async def test_without_an_app_id_or_the_flag_teams_is_not_mounted(
    tmp_path: Path, fake_connector: FakeConnector, aiohttp_client: AiohttpClient
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'off.db'}", org_file=EXAMPLE_ORG_FILE)
    client = await aiohttp_client(create_app(settings))
    driver = TeamsDriver(client=client, connector=fake_connector)
    response = await driver.post(_message(driver))
    assert response.status in (404, 405)
    assert fake_connector.calls == []
    body = await (await client.get("/healthz")).json()
    assert body["adapters"]["teams"] is False
    assert body["notes"]["teams_auth"] == "off"


def test_the_emulator_flag_and_host_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("EXTRAMILE_TEAMS_EMULATOR", "EXTRAMILE_HOST", "MicrosoftAppId", "MICROSOFTAPPID"):
        monkeypatch.delenv(name, raising=False)
    default = Settings()
    assert default.teams_emulator is False and default.host == "127.0.0.1"
    monkeypatch.setenv("EXTRAMILE_TEAMS_EMULATOR", "1")
    monkeypatch.setenv("EXTRAMILE_HOST", "0.0.0.0")
    configured = Settings()
    assert configured.teams_emulator is True and configured.host == "0.0.0.0"


# --- the emulator mode ---------------------------------------------------------------------------


async def test_the_emulator_mode_warns_at_start(
    teams_settings: Settings,
    aiohttp_client: AiohttpClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    await aiohttp_client(create_app(teams_settings))
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("emulator" in r.getMessage() and "loopback" in r.getMessage() for r in warnings)


async def test_the_emulator_mode_answers_a_loopback_caller(teams: TeamsDriver) -> None:
    response = await teams.post(_message(teams))
    assert response.status in (200, 201)
    await teams.connector.wait_for_sent()


async def test_the_emulator_mode_refuses_a_caller_that_is_not_loopback(
    teams_settings: Settings, fake_connector: FakeConnector, aiohttp_client: AiohttpClient
) -> None:
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address to call from")
    # Bound to that address, the server sees the request come from it, not from 127.0.0.1.
    client = await aiohttp_client(create_app(teams_settings), server_kwargs={"host": address})
    driver = TeamsDriver(client=client, connector=fake_connector)
    response = await driver.post(_message(driver))
    assert response.status == 403
    assert fake_connector.calls == []


@pytest.mark.parametrize(
    ("peer", "status"),
    [
        (("203.0.113.9", 40000), 403),
        (("2001:db8::9", 40000, 0, 0), 403),
        (None, 403),  # a peer with no address (a Unix socket)
        (("127.0.0.1", 40000), 400),  # let through: then the empty body is malformed
        (("::1", 40000, 0, 0), 400),
    ],
)
async def test_the_emulator_mode_checks_the_peer_on_any_machine(
    teams: TeamsDriver, mocker: MockerFixture, peer: tuple[object, ...] | None, status: int
) -> None:
    """The same check where the machine has no second address to call from: the peer
    address as the transport reports it."""
    transport = mocker.Mock()
    transport.get_extra_info.side_effect = lambda name, default=None: (
        peer if name == "peername" else default
    )
    request = make_mocked_request(
        "POST",
        "/api/messages",
        headers={"Content-Type": "application/json"},
        app=teams.client.server.app,
        transport=transport,
    )
    response = await teams_messages(request)
    assert response.status == status
    assert teams.connector.calls == []


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded", "X-Real-IP"])
async def test_the_emulator_mode_refuses_a_request_relayed_by_a_proxy(
    teams: TeamsDriver, header: str
) -> None:
    """Behind a local reverse proxy every caller looks like loopback."""
    response = await teams.post(_message(teams), {header: "203.0.113.9"})
    assert response.status == 403
    assert teams.connector.calls == []


@pytest.mark.parametrize(
    "service_url",
    [
        "http://0.0.0.0:{port}/",  # reaches this machine, but is not a loopback address
        "http://{address}:{port}/",  # this machine's own non-loopback address
        "https://attacker.example/",
        "http://127.0.0.1@attacker.example/",
        "http://localhost.attacker.example:{port}/",
        "ftp://127.0.0.1/",
        "not a url",
    ],
)
async def test_the_emulator_mode_answers_only_to_a_loopback_service_url(
    teams: TeamsDriver,
    caplog: pytest.LogCaptureFixture,
    service_url: str,
) -> None:
    address = non_loopback_address()
    if "{address}" in service_url and address is None:
        pytest.skip("this machine has no non-loopback IPv4 address")
    trap = Trap(host=address if "{address}" in service_url else "127.0.0.1")
    await trap.start()
    try:
        url = service_url.format(port=trap.port, address=address)
        response = await teams.post(_message(teams, serviceUrl=url))
        assert response.status == 400
        assert trap.hits == [] and teams.connector.calls == []
        assert _errors(caplog) == []
    finally:
        assert trap.server is not None
        await trap.server.close()


@pytest.mark.parametrize("service_url", ["http://127.0.0.1:{port}/", "http://localhost:{port}/"])
async def test_the_emulator_mode_accepts_a_loopback_service_url(
    teams: TeamsDriver, service_url: str
) -> None:
    port = teams.connector.service_url.rsplit(":", 1)[1].strip("/")
    response = await teams.post(_message(teams, serviceUrl=service_url.format(port=port)))
    assert response.status in (200, 201)
    await teams.connector.wait_for_sent()


# --- malformed input -----------------------------------------------------------------------------


def _without(activity: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in activity.items() if k not in keys}


MALFORMED: dict[str, Any] = {
    "no conversation": lambda a: _without(a, "conversation"),
    "no serviceUrl": lambda a: _without(a, "serviceUrl"),
    "empty serviceUrl": lambda a: {**a, "serviceUrl": ""},
    "serviceUrl a number": lambda a: {**a, "serviceUrl": 7},
    "a string from": lambda a: {**a, "from": "29:1asha-teams-id"},
    "no from": lambda a: _without(a, "from"),
    "from without id": lambda a: {**a, "from": {"name": "Asha"}},
    "aadObjectId a list": lambda a: {**a, "from": {**a["from"], "aadObjectId": ["x"]}},
    "conversation a string": lambda a: {**a, "conversation": "a:1"},
    "conversation without id": lambda a: {**a, "conversation": {"conversationType": "personal"}},
    "no recipient": lambda a: _without(a, "recipient"),
    "recipient a number": lambda a: {**a, "recipient": 5},
    "channelData a list": lambda a: {**a, "channelData": [1, 2]},
    "text a dict": lambda a: {**a, "text": {"x": 1}},
    "type a number": lambda a: {**a, "type": 3},
    "membersAdded strings": lambda a: {
        **a,
        "type": "conversationUpdate",
        "membersAdded": ["28:extramile-bot"],
    },
    "attachments a string": lambda a: {**a, "attachments": "x"},
    "entities a number": lambda a: {**a, "entities": 5},
    "timestamp garbage": lambda a: {**a, "timestamp": "yesterday-ish"},
    "localTimezone a number": lambda a: {**a, "localTimezone": 5},
    "name a list": lambda a: {**a, "type": "invoke", "name": ["adaptiveCard/action"]},
    "an invoke without a name": lambda a: {**a, "type": "invoke", "value": {}},
    "tenant id a number": lambda a: {**a, "channelData": {"tenant": {"id": 5}}},
    "team id a dict": lambda a: {
        **a,
        "type": "conversationUpdate",
        "membersAdded": [BOT],
        "channelData": {"team": {"id": {"x": 1}}},
    },
    "reactions a string": lambda a: {**a, "type": "messageReaction", "reactionsAdded": "x"},
}

# Odd, but each a shape Teams could send: answered, never with a 500 or an ERROR.
ODD: dict[str, Any] = {
    "invoke value a list": lambda a: {
        **a,
        "type": "invoke",
        "name": "adaptiveCard/action",
        "value": [1],
    },
    "invoke verb a number": lambda a: {
        **a,
        "type": "invoke",
        "name": "adaptiveCard/action",
        "value": {"action": {"verb": 5, "data": "s"}},
    },
    "message value a list": lambda a: {**a, "value": [1], "text": None},
    "message value with odd fields": lambda a: {
        **a,
        "value": {"form_id": 5, "verb": [1]},
        "text": None,
    },
    "an unknown type": lambda a: {**a, "type": "zzz"},
    "installationUpdate": lambda a: {**a, "type": "installationUpdate", "action": 5},
    "a time zone that is a path": lambda a: {**a, "localTimezone": "../../etc/passwd"},
    "a time zone with a NUL": lambda a: {**a, "localTimezone": "Europe/\x00London"},
    "a long text": lambda a: {**a, "text": "x" * 200_000},
    "tenant a number": lambda a: {**a, "channelData": {"tenant": 5}},
    "isGroup a string": lambda a: {**a, "conversation": {"id": "19:x", "isGroup": "maybe"}},
    "a mention entity": lambda a: {**a, "entities": [{"type": "mention", "mentioned": "x"}]},
}


@pytest.mark.parametrize("case", list(MALFORMED))
async def test_a_malformed_activity_is_400_without_a_traceback(
    teams: TeamsDriver, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    activity = MALFORMED[case](_message(teams))
    response = await teams.post(activity)
    assert response.status == 400, await response.text()
    assert teams.connector.calls == []
    assert _errors(caplog) == []


@pytest.mark.parametrize("case", list(ODD))
async def test_an_odd_activity_is_answered_without_an_error(
    teams: TeamsDriver, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    activity = ODD[case](_message(teams))
    response = await teams.post(activity)
    await teams.client.server.app[TEAMS].bot.drain()
    assert response.status < 500
    assert _errors(caplog) == []


@pytest.mark.parametrize(
    "body",
    [b"[1, 2]", b'"x"', b"null", b"\xff\xfe{", b"[" * 100_000, b'{"type": "message"'],
)
async def test_a_body_that_is_not_an_activity_object_is_400(
    teams: TeamsDriver, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    response = await teams.client.post(
        "/api/messages", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status == 400
    assert _errors(caplog) == []


async def test_an_unknown_charset_is_400(
    teams: TeamsDriver, caplog: pytest.LogCaptureFixture
) -> None:
    response = await teams.client.post(
        "/api/messages",
        data=b'{"type": "message"}',
        headers={"Content-Type": "application/json; charset=klingon"},
    )
    assert response.status in (400, 415)
    assert _errors(caplog) == []


# --- proactive sends ----------------------------------------------------------------------------


async def _outbox_settled(teams: TeamsDriver, within: float = 5.0) -> list[Any]:
    import asyncio

    from sqlmodel import select

    from adapters.state import RUNTIME
    from storage.tables import OutboxRow
    from storage.uow import UnitOfWork

    database = teams.client.server.app[RUNTIME].database
    async with asyncio.timeout(within):
        while True:
            async with UnitOfWork(database) as uow:
                rows = list((await uow.session.exec(select(OutboxRow))).all())
            if rows and all(r.status != "pending" for r in rows):
                return rows
            await asyncio.sleep(0.05)


async def test_the_emulator_mode_sends_nothing_to_a_stored_service_url_that_is_not_loopback(
    teams: TeamsDriver, trap: Trap
) -> None:
    """A reference an older version saved from an unauthenticated request, say."""
    from adapters.state import RUNTIME
    from bot.delivery.codec import dump_outbound
    from bot.messages import Text
    from storage.database import utc_now
    from storage.delivery import SqlDeliveryStore
    from storage.outbox import enqueue
    from storage.uow import UnitOfWork

    database = teams.client.server.app[RUNTIME].database
    stored = {
        "activityId": "f:1",
        "user": ASHA,
        "bot": {"id": "28:extramile-bot", "name": "Extra Mile"},
        "conversation": {"id": f"a:1personal-{ASHA['id']}", "conversationType": "personal"},
        "channelId": "msteams",
        "serviceUrl": f"http://0.0.0.0:{trap.port}/",  # reaches this machine; not loopback
    }
    await SqlDeliveryStore(database).remember_address("asha", "teams", stored)
    async with UnitOfWork(database) as uow:
        await enqueue(uow, person_id="asha", payload=dump_outbound(Text("hello")), now=utc_now())
        await uow.commit()
    [row] = await _outbox_settled(teams)
    assert row.status == "failed"
    assert "serviceUrl" in (row.last_error or "")
    assert trap.hits == [] and teams.connector.calls == []
