"""practice.merged_into: a practice merged into another is kept, pointing at it, instead
of being deleted, so its number is never given to a newer practice (SQLite reuses the
highest number of a deleted row) and a button shown before the merge still finds where
its deeds went (issue 17)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("practice", sa.Column("merged_into", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("practice") as batch:
        batch.drop_column("merged_into")
