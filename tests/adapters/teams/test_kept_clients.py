"""Bot Framework clients are made once and kept (adapters.teams.kept_clients): botbuilder
would build a ConnectorClient and a UserTokenClient, ~5 ms of CPU each, for every turn."""

from __future__ import annotations

from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticationConstants, ClaimsIdentity

from adapters.teams.kept_clients import KeptClientsAuthentication
from adapters.teams.mount import bot_framework_config
from bot.settings import EXAMPLE_ORG_FILE, Settings

SERVICE = "https://smba.trafficmanager.net/uk/"


def _claims(app_id: str) -> ClaimsIdentity:
    # A v1 token from the channel names the app in its appid claim.
    return ClaimsIdentity(
        {
            AuthenticationConstants.VERSION_CLAIM: "1.0",
            AuthenticationConstants.APP_ID_CLAIM: app_id,
            AuthenticationConstants.AUDIENCE_CLAIM: app_id,
        },
        True,
    )


async def test_one_connector_per_service_url_and_one_token_client_per_app() -> None:
    settings = Settings(org_file=EXAMPLE_ORG_FILE, teams_emulator=True)
    authentication = KeptClientsAuthentication(bot_framework_config(settings))
    claims = _claims("app-1")
    first = await authentication.create_connector_factory(claims).create(SERVICE, "aud")
    again = await authentication.create_connector_factory(claims).create(SERVICE, "aud")
    assert again is first  # a later turn: the same client
    elsewhere = await authentication.create_connector_factory(claims).create(
        "https://smba.trafficmanager.net/emea/", "aud"
    )
    assert elsewhere is not first
    other_app = await authentication.create_connector_factory(_claims("app-2")).create(
        SERVICE, "aud"
    )
    assert other_app is not first
    tokens = await authentication.create_user_token_client(claims)
    assert await authentication.create_user_token_client(claims) is tokens
    assert await authentication.create_user_token_client(_claims("app-2")) is not tokens


async def test_a_request_answered_at_once_reuses_the_kept_client_too() -> None:
    """An activity botbuilder authenticates itself (an invoke; any message when the inbox
    is off) gets its connector from the factory authenticate_request makes."""
    settings = Settings(org_file=EXAMPLE_ORG_FILE, teams_emulator=True)
    authentication = KeptClientsAuthentication(bot_framework_config(settings))
    activity = Activity(channel_id="msteams", service_url=SERVICE)
    # The Emulator without credentials: no token, anonymous claims.
    first = await authentication.authenticate_request(activity, "")
    again = await authentication.authenticate_request(activity, "")
    client = await first.connector_factory.create(SERVICE, first.audience)
    assert await again.connector_factory.create(SERVICE, again.audience) is client
