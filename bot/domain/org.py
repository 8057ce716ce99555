"""The organisation file as typed, validated models (people, offer, policy, schedule)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

from bot.domain.org_fields import SCHEDULE, EmailAddress, ScheduleText, TimeZoneName

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class WeeklyTime:
    day: int  # 0 = Monday
    at: time


def parse_weekly(text: str) -> WeeklyTime:
    match = SCHEDULE.match(text)
    if match is None:
        raise ValueError(text)
    return WeeklyTime(DAYS.index(match[1]), time(int(match[2]), int(match[3])))


PLATFORMS = ("slack", "teams", "console")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class Role(StrEnum):
    STAFF = "staff"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    ADMIN = "admin"
    # Assesses learners' portfolios (issue 19): reads them, marks criteria, asks for evidence.
    ASSESSOR = "assessor"


class OrganisationInfo(Strict):
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    timezone: TimeZoneName = "Europe/London"
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = "GB"
    # For public holidays that differ within a country (GB: ENG, SCT, WLS, NIR).
    region: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,3}$")] | None = None


class OfferItem(Strict):
    id: Slug
    title: Annotated[str, StringConstraints(min_length=1, max_length=150)]


class StaffAuthority(Strict):
    max_cost: Decimal = Field(ge=0)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "GBP"
    max_minutes: int = Field(ge=0)


class Policy(Strict):
    staff_authority: StaffAuthority
    guidelines: list[Annotated[str, StringConstraints(min_length=1)]] = []
    regulations: list[Annotated[str, StringConstraints(min_length=1)]] = []
    approval_reminder_hours: int = Field(default=24, ge=1)
    approval_escalation_hours: int = Field(default=48, ge=1)
    follow_up_days: int = Field(default=3, ge=1, le=60)
    retention_months: int = Field(default=12, ge=1, le=120)


class Schedule(Strict):
    weekly_prompt: ScheduleText = "mon 09:30"
    supervisor_summary: ScheduleText = "mon 10:00"
    manager_digest: ScheduleText = "fri 16:00"
    # A learner's next knowledge question (issue 19), one a week.
    knowledge_question: ScheduleText = "wed 11:00"
    # A run missed while the bot was down is still sent within this many hours; never later.
    grace_hours: int = Field(default=12, ge=1, le=72)


class NominationRule(Strict):
    min_successes: int = Field(default=3, ge=1)
    min_people: int = Field(default=2, ge=1)
    min_weeks: int = Field(default=2, ge=1)


class ChannelTargets(Strict):
    slack: str | None = None
    teams: str | None = None


class Channels(Strict):
    recognition: ChannelTargets | None = None


class Person(Strict):
    id: Slug
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    role: Role
    supervisor: Slug | None = None
    slack: Annotated[str, StringConstraints(pattern=r"^[UW][A-Z0-9]{2,}$")] | None = None
    teams: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None
    # Instead of (or besides) the ids: found on Slack and Teams by this address.
    email: EmailAddress | None = None
    timezone: TimeZoneName | None = None
    # Away until this date (inclusive); their requests go to `delegate` meanwhile.
    away_until: date | None = None
    delegate: Slug | None = None
    # Working towards the qualification: asked the details their portfolio needs as
    # they log, and shown the criteria their evidence meets.
    learner: bool = False
    # A learner's assessor (a person's id): they may read the portfolio, mark criteria and
    # ask for evidence. Without it, anyone with the assessor role may.
    assessor: Slug | None = None

    @model_validator(mode="after")
    def _findable(self) -> Person:
        if self.slack is None and self.teams is None and self.email is None:
            raise ValueError(f"{self.id!r} needs at least one of slack, teams or email")
        return self

    @property
    def first_name(self) -> str:
        return self.name.split()[0]

    def platform_id(self, platform: str) -> str | None:
        ids = {"slack": self.slack, "teams": self.teams, "console": self.id}
        return ids.get(platform)


class Organisation(Strict):
    organisation: OrganisationInfo
    service_offer: list[OfferItem] = Field(min_length=1)
    policy: Policy
    schedule: Schedule = Schedule()
    nomination: NominationRule = NominationRule()
    channels: Channels = Channels()
    people: list[Person] = Field(min_length=1)
    # Ids found by e-mail (Slack's lookup, the Teams roster): (person, platform) -> user id.
    _learned: dict[tuple[str, str], str] = PrivateAttr(default_factory=dict)

    def person(self, person_id: str) -> Person | None:
        return self._by_id.get(person_id)

    def person_on(self, platform: str, user_id: str) -> Person | None:
        return self._by_platform_id.get((platform, user_id))

    def learn(self, person_id: str, platform: str, user_id: str) -> None:
        """Remember an id found by e-mail, unless the file names the person there: from
        now on the person carries it, for finding them and for reaching them."""
        person = self._by_id.get(person_id)
        if person is None or platform not in ("slack", "teams"):
            return
        old = self._learned.get((person_id, platform))
        if person.platform_id(platform) is not None and old is None:
            return
        if old is not None:
            self._by_platform_id.pop((platform, old), None)
        self._learned[(person_id, platform)] = user_id
        updated = person.model_copy(update={platform: user_id})
        self.people[self.people.index(person)] = updated
        self._by_id[person_id] = updated
        for key, holder in list(self._by_platform_id.items()):
            if holder.id == person_id:
                self._by_platform_id[key] = updated
        self._by_platform_id.setdefault((platform, user_id), updated)

    def person_by_email(self, email: str) -> Person | None:
        return next((p for p in self.people if p.email and p.email == email.lower()), None)

    def learned_id(self, person_id: str, platform: str) -> str | None:
        return self._learned.get((person_id, platform))

    def only_by_email(self) -> list[Person]:
        """People given by e-mail not yet found on any platform."""
        return [p for p in self.people if p.email and p.slack is None and p.teams is None]

    # Indexes for the lookups every request and every outbox message makes (an
    # organisation may have thousands of people). The model is frozen, so they hold.
    @cached_property
    def _by_id(self) -> dict[str, Person]:
        return {p.id: p for p in self.people}

    @cached_property
    def _by_platform_id(self) -> dict[tuple[str, str], Person]:
        index: dict[tuple[str, str], Person] = {}
        for person in self.people:
            for platform in PLATFORMS:
                user_id = person.platform_id(platform)
                if user_id is not None:
                    index.setdefault((platform, user_id), person)
        return index

    def offer_item(self, item_id: str) -> OfferItem | None:
        return next((i for i in self.service_offer if i.id == item_id), None)

    def admins(self) -> list[Person]:
        return [p for p in self.people if p.role is Role.ADMIN]


@dataclass(frozen=True, slots=True)
class Problem:
    """A rule broken somewhere in the file; `path` locates it like a pydantic `loc`."""

    path: tuple[str | int, ...]
    reason: str


def cross_check(org: Organisation) -> list[Problem]:
    """Rules across entries that a single field's type cannot express."""
    problems: list[Problem] = []
    problems += _duplicates(org)
    ids = {p.id for p in org.people}
    for field, themself in (
        ("supervisor", "supervises themself"),
        ("assessor", "assesses themself"),
        ("delegate", "delegates to themself"),
    ):
        for index, person in enumerate(org.people):
            named = getattr(person, field)
            if named is not None and (named not in ids or named == person.id):
                problems.append(
                    Problem(
                        ("people", index, field),
                        f"{field} {named!r} of {person.id!r} is not in people"
                        if named not in ids
                        else f"{person.id!r} {themself}",
                    )
                )
    if not problems:
        problems += _cycles(org)
    return problems


def _duplicates(org: Organisation) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[tuple[str, str], str] = {}
    for index, person in enumerate(org.people):
        keys = [("id", person.id)]
        keys += [(kind, v) for kind in ("slack", "teams") if (v := person.platform_id(kind))]
        keys += [("email", person.email)] if person.email else []
        for kind, value in keys:
            if (kind, value) in seen:
                problems.append(
                    Problem(
                        ("people", index, kind),
                        f"duplicate {kind} {value!r}: also given to {seen[(kind, value)]!r}",
                    )
                )
            seen[(kind, value)] = person.id
    offer_ids: set[str] = set()
    for index, item in enumerate(org.service_offer):
        if item.id in offer_ids:
            problems.append(
                Problem(("service_offer", index, "id"), f"duplicate service offer id {item.id!r}")
            )
        offer_ids.add(item.id)
    return problems


def _cycles(org: Organisation) -> list[Problem]:
    boss = {p.id: p.supervisor for p in org.people}
    index_of = {p.id: i for i, p in enumerate(org.people)}
    for start in boss:
        chain = [start]
        current = boss[start]
        while current is not None:
            if current in chain:
                loop = " -> ".join([*chain[chain.index(current) :], current])
                return [
                    Problem(
                        ("people", index_of[current], "supervisor"),
                        f"cycle in the supervisor chain: {loop}",
                    )
                ]
            chain.append(current)
            current = boss[current]
    return []
