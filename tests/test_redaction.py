"""Redaction, property-based: personal data in random text never survives; prices,
times and quantities do."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.redact import luhn_valid, redact

WORDS = st.lists(
    st.sampled_from(
        ["thanks", "lovely", "staff", "the", "cake", "was", "great", "🙂", "شكرا", "and", "!"]
    ),
    min_size=0,
    max_size=6,
).map(" ".join)

local_part = st.from_regex(r"[a-z][a-z0-9._+-]{0,15}[a-z0-9]", fullmatch=True)
domain = st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9](\.[a-z]{2,6}){1,2}", fullmatch=True)
emails = st.builds(lambda u, d: f"{u}@{d}", local_part, domain)


def _luhn_complete(body: str) -> str:
    for check in "0123456789":
        if luhn_valid(body + check):
            return body + check
    raise AssertionError("unreachable")


card_numbers = st.builds(
    lambda prefix, rest, sep: sep.join(re.findall(".{1,4}", _luhn_complete(prefix + rest))),
    st.sampled_from(["4", "51", "52", "37", "6011"]),
    st.from_regex(r"\d{11}", fullmatch=True),
    st.sampled_from(["", " ", "-"]),
)

uk_mobiles = st.builds(
    lambda a, b, sep: f"07{a}{sep}{b}",
    st.from_regex(r"\d{3}", fullmatch=True),
    st.from_regex(r"\d{6}", fullmatch=True),
    st.sampled_from(["", " "]),
)
uk_landlines = st.builds(
    lambda a, b, c: f"(0{a}) {b} {c}",
    st.from_regex(r"[1-9]\d", fullmatch=True),
    st.from_regex(r"\d{4}", fullmatch=True),
    st.from_regex(r"\d{4}", fullmatch=True),
)
international = st.builds(
    lambda cc, n, sep: f"{sep}{cc} {n[:3]} {n[3:6]} {n[6:]}",
    st.sampled_from(["44", "1", "353", "33", "49", "91"]),
    st.from_regex(r"[1-9]\d{8,9}", fullmatch=True),
    st.sampled_from(["+", "00"]),
)
phones = st.one_of(uk_mobiles, uk_landlines, international)

postcodes = st.builds(
    lambda area, district, sector, unit, sep: f"{area}{district}{sep}{sector}{unit}",
    st.sampled_from(["SW", "M", "B", "EH", "CF", "BT", "LS", "G", "NW", "E"]),
    st.integers(min_value=1, max_value=20),
    st.integers(min_value=0, max_value=9),
    st.from_regex(r"[ABDEFGHJLNPQRSTUWXYZ]{2}", fullmatch=True),
    st.sampled_from([" ", ""]),
)

ordinary = st.one_of(
    st.builds(lambda p, q: f"£{p}.{q:02d}", st.integers(0, 999), st.integers(0, 99)),
    st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59)),
    st.builds(lambda n, w: f"{n} {w}", st.integers(1, 500), st.sampled_from(["boxes", "bags"])),
    st.builds(
        lambda d, m, y: f"{d}/{m}/{y}",
        st.integers(1, 28),
        st.integers(1, 12),
        st.integers(2020, 2030),
    ),
    st.builds(lambda n: f"order {n}", st.integers(1000, 999999)),
    st.builds(lambda n: f"{n}%", st.integers(1, 100)),
)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(before=WORDS, secret=st.one_of(emails, card_numbers, phones), after=WORDS)
def test_personal_data_never_survives(before: str, secret: str, after: str) -> None:
    stored = redact(f"{before} {secret} {after}")
    assert secret not in stored
    assert re.sub(r"\D", "", secret) not in re.sub(r"\D", "", stored) or not any(
        c.isdigit() for c in secret
    )


@SETTINGS
@given(before=WORDS, code=postcodes, after=WORDS)
def test_postcodes_never_survive(before: str, code: str, after: str) -> None:
    stored = redact(f"{before} {code} {after}")
    assert code.upper() not in stored.upper()
    assert "[postcode]" in stored


@SETTINGS
@given(before=WORDS, kept=ordinary, after=WORDS)
def test_prices_times_dates_and_quantities_survive(before: str, kept: str, after: str) -> None:
    text = f"{before} {kept} {after}"
    assert redact(text) == text


def test_examples() -> None:
    assert redact("Card 4111 1111 1111 1111 charged twice") == "Card [card number] charged twice"
    assert redact("order 4111 1111 1111 1112") == "order 4111 1111 1111 1112"  # not Luhn-valid
    assert redact("Ring +1 415 555 2671 or 07700 900123") == "Ring [phone] or [phone]"
    assert redact("Paid £25.50 at 10:30 for 3 boxes") == "Paid £25.50 at 10:30 for 3 boxes"
