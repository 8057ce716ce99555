"""SQLite: the one connection quick writers use (storage.uow), kept between them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


class KeptConnection:
    """SQLite: the connection quick writers use, one after another (they take turns
    through `Database.writer`), taken from the pool once and kept. Checking one out and
    back in, with SQLAlchemy's BEGIN and COMMIT around it, cost a quick unit of work
    about 120 microseconds of CPU, three times its SQL (a turn's claim, answer and
    commit); storage.uow begins and ends its transaction on the sqlite3 handle instead."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None
        self._taken = False

    async def take(self) -> tuple[AsyncConnection, bool]:
        """The kept connection (a new one if it was closed, invalidated or let go), and
        False; or, while a unit of work holds it (writers take turns, so only one opened
        inside another's block finds it taken), a connection of the pool's, and True:
        close it after."""
        if self._taken:
            return await self._engine.connect(), True
        connection = self._connection
        if connection is None or connection.closed or connection.invalidated:
            connection = self._connection = await self._engine.connect()
        self._taken = True
        return connection, False

    def give_back(self) -> None:
        self._taken = False

    async def let_go(self) -> None:
        """Stop using the kept connection: its state is not known (its end failed, or a
        BEGIN still waits in its thread). Invalidated, it is closed after whatever its
        thread still has to do, which releases any lock SQLite gave it; the next
        unit of work takes a new one."""
        connection, self._connection = self._connection, None
        if connection is not None and not connection.invalidated:
            await connection.invalidate()

    async def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()
