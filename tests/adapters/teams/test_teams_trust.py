"""Who may call the Teams route and where its answers may go: the pure checks."""

from __future__ import annotations

import pytest

from adapters.teams.trust import is_loopback_address, is_loopback_url, relayed, same_service_url


@pytest.mark.parametrize("remote", ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1", "::1%lo"])
def test_loopback_callers(remote: str) -> None:
    assert is_loopback_address(remote)


@pytest.mark.parametrize(
    "remote", [None, "", "192.0.2.2", "10.0.0.1", "0.0.0.0", "::", "::ffff:10.0.0.1", "localhost"]
)
def test_callers_that_are_not_loopback(remote: str | None) -> None:
    assert not is_loopback_address(remote)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:3979/",
        "http://127.0.0.1",
        "https://127.8.9.10:443/v3",
        "http://localhost:9000/",
        "http://LOCALHOST:9000/",
        "http://[::1]:9000/",
    ],
)
def test_loopback_service_urls(url: str) -> None:
    assert is_loopback_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://smba.trafficmanager.net/teams/",
        "http://0.0.0.0:9000/",
        "http://192.0.2.2:9000/",
        "http://127.0.0.1@attacker.example/",
        "http://attacker.example@127.0.0.1/",  # userinfo: refused outright
        "http://127.0.0.1\\@attacker.example/",
        "http://127.0.0.1 .attacker.example/",
        "http://localhost.attacker.example/",
        "http://127.0.0.1.nip.io/",
        "http://127.1/",
        "http://[::ffff:10.0.0.1]/",
        "http://127.0.0.1:99999/",
        "http://127.0.0.1:port/",
        "ftp://127.0.0.1/",
        "//127.0.0.1/",
        "127.0.0.1:9000",
        "",
        None,
        7,
    ],
)
def test_service_urls_that_are_not_loopback(url: object) -> None:
    assert not is_loopback_url(url)


@pytest.mark.parametrize(
    ("vouched", "used"),
    [
        ("https://smba.trafficmanager.net/teams/", "https://smba.trafficmanager.net/teams/"),
        ("https://smba.trafficmanager.net/teams/", "https://smba.trafficmanager.net/teams"),
        ("https://SMBA.trafficmanager.net/teams", "HTTPS://smba.trafficmanager.net/teams/"),
        ("https://smba.trafficmanager.net:443/amer/", "https://smba.trafficmanager.net/amer/"),
        ("http://127.0.0.1:80/", "http://127.0.0.1"),
    ],
)
def test_the_same_service_url_written_differently(vouched: str, used: str) -> None:
    assert same_service_url(vouched, used)


@pytest.mark.parametrize(
    ("vouched", "used"),
    [
        ("https://smba.trafficmanager.net/teams/", "https://smba.trafficmanager.net/amer/"),
        ("https://smba.trafficmanager.net/teams/", "https://attacker.example/teams/"),
        ("https://smba.trafficmanager.net/teams/", "http://smba.trafficmanager.net/teams/"),
        ("https://smba.trafficmanager.net/teams/", "https://smba.trafficmanager.net:8443/teams/"),
        ("https://smba.trafficmanager.net/", "https://x@smba.trafficmanager.net/"),
        ("https://smba.trafficmanager.net/teams/", "https://smba.trafficmanager.net/teams/x"),
        (None, "https://smba.trafficmanager.net/teams/"),
        ("", ""),
        ("not a url", "not a url"),
    ],
)
def test_different_service_urls(vouched: object, used: object) -> None:
    assert not same_service_url(vouched, used)


def test_a_request_relayed_by_a_proxy() -> None:
    assert relayed({"X-Forwarded-For": "203.0.113.9"})
    assert relayed({"Forwarded": "for=203.0.113.9"})
    assert not relayed({"Content-Type": "application/json"})
