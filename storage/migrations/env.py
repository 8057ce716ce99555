"""Alembic environment: runs on the connection `storage.database` hands it."""

from alembic import context
from sqlmodel import SQLModel

import storage.action_vectors  # registers its own table on the metadata
import storage.practice_labels
import storage.tables  # noqa: F401  (registers every table on the metadata)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through `extramile db upgrade`.")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
