"""The one settings object: environment variables, read once at start and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

EXAMPLE_ORG_FILE = Path(__file__).resolve().parent.parent / "examples" / "org.yml"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="", extra="ignore", frozen=True, validate_by_name=True, validate_by_alias=True
    )

    database_url: str = Field(
        default="sqlite:///./extramile.db", validation_alias="EXTRAMILE_DATABASE_URL"
    )
    org_file: Path | None = Field(default=None, validation_alias="EXTRAMILE_ORG_FILE")
    port: int = Field(default=3978, ge=1, le=65535, validation_alias="EXTRAMILE_PORT")
    # The address the server listens on: this machine only, unless set (0.0.0.0 behind a proxy).
    host: str = Field(default="127.0.0.1", min_length=1, validation_alias="EXTRAMILE_HOST")
    # INFO logs every request (aiohttp's access log) and every job run; WARNING only trouble.
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", validation_alias="EXTRAMILE_LOG_LEVEL"
    )

    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_SIGNING_SECRET"
    )
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", validation_alias="SLACK_API_URL")

    microsoft_app_id: str | None = Field(
        default=None, validation_alias=AliasChoices("MicrosoftAppId", "MICROSOFTAPPID")
    )
    microsoft_app_password: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("MicrosoftAppPassword", "MICROSOFTAPPPASSWORD"),
    )
    microsoft_app_tenant_id: str | None = Field(
        default=None,
        validation_alias=AliasChoices("MicrosoftAppTenantId", "MICROSOFTAPPTENANTID"),
    )
    microsoft_app_type: str = Field(
        default="MultiTenant",
        validation_alias=AliasChoices("MicrosoftAppType", "MICROSOFTAPPTYPE"),
    )
    # Teams without credentials, for local testing only: unauthenticated Activities from
    # loopback callers, answered only at loopback serviceUrls. Ignored when MicrosoftAppId is set.
    teams_emulator: bool = Field(default=False, validation_alias="EXTRAMILE_TEAMS_EMULATOR")

    # Requests are written to a durable inbox and acknowledged at once, their turns run
    # by a worker after (bot.intake); off: each turn runs before its acknowledgement.
    inbox: bool = Field(default=True, validation_alias="EXTRAMILE_INBOX")

    # `serve`'s event loop: uvloop where installed (app.server.event_loop), or asyncio's own
    # (a debugger or profiler that wants Python frames).
    event_loop: Literal["uvloop", "asyncio"] = Field(
        default="uvloop", validation_alias="EXTRAMILE_EVENT_LOOP"
    )

    # How long a worker keeps the outbox messages it claimed before others may retry them.
    outbox_lease_seconds: int = Field(
        default=120, ge=1, le=3600, validation_alias="EXTRAMILE_OUTBOX_LEASE_SECONDS"
    )

    # Links the bot serves (a portfolio in Teams): where it is reachable, and the key that
    # signs them. Set the key when several workers serve the same links.
    public_url: str | None = Field(default=None, validation_alias="EXTRAMILE_PUBLIC_URL")
    link_secret: SecretStr | None = Field(default=None, validation_alias="EXTRAMILE_LINK_SECRET")

    # A hard cap on requests in flight per route, past which the server answers 503 at
    # once; it also sheds earlier, by itself, once requests start waiting too long
    # (adapters.overload; `python -m bench overload`).
    slack_max_in_flight: int = Field(
        default=400, ge=1, le=100_000, validation_alias="EXTRAMILE_SLACK_MAX_IN_FLIGHT"
    )
    teams_max_in_flight: int = Field(
        default=400, ge=1, le=100_000, validation_alias="EXTRAMILE_TEAMS_MAX_IN_FLIGHT"
    )
    # Seconds a request may wait before, with a few others as late, the route counts
    # itself behind and sheds newcomers: Slack gives up at 3 s, Bot Framework at about 15.
    slack_shed_after: float = Field(
        default=1.0, gt=0, le=3600, validation_alias="EXTRAMILE_SLACK_SHED_AFTER"
    )
    teams_shed_after: float = Field(
        default=5.0, gt=0, le=3600, validation_alias="EXTRAMILE_TEAMS_SHED_AFTER"
    )
    # The Slack workspace the bot is installed in (its team id, T...); payloads from any
    # other are refused. Unset: asked of Slack (auth.test) at start.
    slack_team_id: str | None = Field(default=None, validation_alias="SLACK_TEAM_ID")

    @property
    def organisation_file(self) -> Path:
        """`EXTRAMILE_ORG_FILE`, else `./org.yml` if present, else the example shop."""
        if self.org_file is not None:
            return self.org_file
        local = Path("org.yml")
        return local if local.exists() else EXAMPLE_ORG_FILE

    @property
    def slack_enabled(self) -> bool:
        """A bot token, and a way in: a signing secret (HTTP) or an app token (Socket Mode)."""
        way_in = self.slack_signing_secret is not None or self.slack_app_token is not None
        return self.slack_bot_token is not None and way_in

    @property
    def teams_enabled(self) -> bool:
        """Credentials, or the local emulator mode asked for by name; else Teams is off."""
        return bool(self.microsoft_app_id) or self.teams_emulator

    @property
    def teams_emulator_mode(self) -> bool:
        """Unauthenticated local mode: the flag set and no credentials (credentials win)."""
        return self.teams_emulator and not self.microsoft_app_id
