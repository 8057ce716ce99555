"""Teams with credentials: only requests carrying a valid Bot Framework token get in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from botframework.connector.auth import ChannelValidation
from pytest_aiohttp import AiohttpClient

from adapters.server import create_app
from bot.settings import EXAMPLE_ORG_FILE, Settings
from tests.bot_framework_auth import SigningKeys, openid_server
from tests.fake_connector import FakeConnector
from tests.teams_harness import ASHA, TeamsDriver

APP_ID = "00000000-aaaa-4bbb-8ccc-000000000001"


@pytest.fixture
def keys() -> SigningKeys:
    return SigningKeys()


@pytest.fixture
def metadata_url(keys: SigningKeys, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The SDK's own hook for where channel tokens' keys live, pointed at a local stand-in
    for login.botframework.com."""
    with openid_server(keys) as url:
        monkeypatch.setattr(ChannelValidation, "open_id_metadata_endpoint", url)
        yield url


@pytest.fixture
async def secured(
    tmp_path: Path, metadata_url: str, fake_connector: FakeConnector, aiohttp_client: AiohttpClient
) -> TeamsDriver:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'secure.db'}",
        org_file=EXAMPLE_ORG_FILE,
        microsoft_app_id=APP_ID,
        microsoft_app_password="not-used-in-these-tests",
    )
    client = await aiohttp_client(create_app(settings))
    return TeamsDriver(client=client, connector=fake_connector)


def _message(driver: TeamsDriver) -> dict[str, object]:
    return driver.activity(ASHA, type="message", text="help", textFormat="plain")


async def test_no_token_is_refused(secured: TeamsDriver) -> None:
    response = await secured.post(_message(secured))
    assert response.status == 401
    assert secured.connector.calls == []


async def test_a_token_signed_by_someone_else_is_refused(secured: TeamsDriver) -> None:
    forger = SigningKeys(kid="test-key-1")  # same key id, different key
    token = forger.token(audience=APP_ID, service_url=secured.connector.service_url)
    response = await secured.post(_message(secured), {"Authorization": f"Bearer {token}"})
    assert response.status == 401


async def test_a_token_for_another_bot_is_refused(secured: TeamsDriver, keys: SigningKeys) -> None:
    token = keys.token(audience="another-bot", service_url=secured.connector.service_url)
    response = await secured.post(_message(secured), {"Authorization": f"Bearer {token}"})
    assert response.status == 401


async def test_an_expired_token_is_refused(secured: TeamsDriver, keys: SigningKeys) -> None:
    token = keys.token(audience=APP_ID, service_url=secured.connector.service_url, expires_in=-3600)
    response = await secured.post(_message(secured), {"Authorization": f"Bearer {token}"})
    assert response.status == 401


async def test_healthz_says_authenticated(secured: TeamsDriver) -> None:
    body = await (await secured.client.get("/healthz")).json()
    assert body["notes"]["teams_auth"] == "authenticated"
