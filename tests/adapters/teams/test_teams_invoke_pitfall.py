"""docs/sdk-notes.md: ActivityHandler's own Action.Execute path answers 500 through
CloudAdapter.process. TeamsBot answers the invoke itself; this keeps it honest."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web
from botbuilder.core import serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import AdaptiveCardInvokeResponse
from pytest_aiohttp import AiohttpClient

from adapters.teams.bot import TeamsBot
from adapters.teams.mount import BotFrameworkConfig
from bot.engine import Engine
from storage.delivery import SqlDeliveryStore
from tests.fakes.fake_connector import FakeConnector
from tests.fakes.teams_harness import ASHA, TeamsDriver, assert_valid_card, card_text


def test_the_sdk_double_serialisation_still_breaks() -> None:
    # If this starts passing, botbuilder fixed the bug and the workaround can go.
    once = serializer_helper(AdaptiveCardInvokeResponse(status_code=200, type="x", value={}))
    with pytest.raises(AttributeError):
        serializer_helper(once)


async def test_an_action_execute_through_cloud_adapter_process_answers_200_with_the_card(
    engine: Engine, fake_connector: FakeConnector, aiohttp_client: AiohttpClient, tmp_path: Path
) -> None:
    config = BotFrameworkConfig(
        APP_ID=None, APP_PASSWORD=None, APP_TYPE="MultiTenant", APP_TENANTID=None
    )
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(config))
    bot = TeamsBot(engine=engine, store=SqlDeliveryStore(engine.database), app_id=None)

    async def messages(request: web.Request) -> web.StreamResponse:
        response = await adapter.process(request, bot)
        return response or web.Response(status=201)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    driver = TeamsDriver(client=await aiohttp_client(app), connector=fake_connector)

    response = await driver.execute(
        ASHA,
        {
            "verb": "menu.offer",
            "data": {"value": "", "label": "Service offer", "card": "What I can do"},
        },
    )
    assert response.status == 200
    body = await response.json()
    assert body["statusCode"] == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"
    assert_valid_card(body["value"])
    assert "✓ Service offer" in card_text(body["value"])
