"""A unit of work: one transaction that commits explicitly and rolls back by default."""

from __future__ import annotations

from types import TracebackType

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.database import Database


class UnitOfWork:
    """`async with UnitOfWork(db) as uow: ...; await uow.commit()`.

    Leaving the block without `commit()` (or by an exception) rolls everything back,
    so a failed request never half-writes.
    """

    def __init__(self, database: Database) -> None:
        self._database = database
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside `async with`")
        return self._session

    async def __aenter__(self) -> UnitOfWork:
        self._session = self._database.sessions()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed, and (unlike rollback())
        # leaves loaded objects readable.
        session = self.session
        self._session = None
        await session.close()

    @property
    def dialect(self) -> str:
        """ "sqlite" or "postgresql": for the few statements written per dialect."""
        return self._database.engine.dialect.name

    async def commit(self) -> None:
        await self.session.commit()
