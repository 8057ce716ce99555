"""Bot Framework clients made once and kept.

botbuilder's CloudAdapter asks its authentication for a new ConnectorClient and a new
UserTokenClient for every activity it processes and every proactive send. Each one builds
msrest's configuration (a retry policy for every status code): about 5 ms of CPU apiece,
10 ms a turn. On this machine a bare ActivityHandler answered about 105 activities a
second for that alone, and Extra Mile's Teams answers left the outbox at about 55 a second
(py-spy: 81% of a bare turn in `Configuration.__init__`). Here a connector client is made
once per app id, service URL and audience, and a user-token client once per app id, and
kept, for the factories botbuilder makes when it authenticates a request too;
botbuilder's older BotFrameworkAdapter kept its connector clients the same way. The
credentials inside refresh their own tokens.
"""

from __future__ import annotations

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    ClaimsIdentity,
    ConnectorFactory,
)
from botframework.connector.auth.user_token_client import UserTokenClient


class KeptConnectors(ConnectorFactory):  # type: ignore[misc]
    """`factory`'s clients, one per service URL and audience, from `kept`."""

    def __init__(
        self,
        factory: ConnectorFactory,
        app_id: str | None,
        kept: dict[tuple[str | None, str, str | None], ConnectorClient],
    ) -> None:
        self._factory = factory
        self._app_id = app_id
        self._kept = kept

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        key = (self._app_id, service_url, audience)
        client = self._kept.get(key)
        if client is None:
            client = self._kept[key] = await self._factory.create(service_url, audience)
        return client


class KeptClientsAuthentication(ConfigurationBotFrameworkAuthentication):  # type: ignore[misc]
    """botbuilder's own authentication, its clients kept (see the module)."""

    def __init__(self, configuration: object) -> None:
        super().__init__(configuration)
        self._connectors: dict[tuple[str | None, str, str | None], ConnectorClient] = {}
        self._user_tokens: dict[str | None, UserTokenClient] = {}

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        """botbuilder's check; the connector factory it hands back keeps its clients too
        (a Teams activity answered at once: an invoke, a message without the inbox)."""
        result: AuthenticateRequestResult = await super().authenticate_request(
            activity, auth_header
        )
        if result.connector_factory is not None:
            result.connector_factory = KeptConnectors(
                result.connector_factory, _app_id(result.claims_identity), self._connectors
            )
        return result

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        factory = super().create_connector_factory(claims_identity)
        return KeptConnectors(factory, _app_id(claims_identity), self._connectors)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        app_id = _app_id(claims_identity)
        client = self._user_tokens.get(app_id)
        if client is None:
            client = await super().create_user_token_client(claims_identity)
            self._user_tokens[app_id] = client
        return client


def _app_id(claims_identity: ClaimsIdentity | None) -> str | None:
    """The app id botbuilder's factory makes the client's credentials for: the token's
    audience (a channel's token), else its appid claim (the Emulator's)."""
    if claims_identity is None:
        return None
    found = claims_identity.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM)
    if found is None:
        found = claims_identity.get_claim_value(AuthenticationConstants.APP_ID_CLAIM)
    return None if found is None else str(found)
