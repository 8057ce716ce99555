"""drop extra_mile_action.follow_up_due_at: never written or read (when a follow-up is
due is computed from the action's date and the policy's follow_up_days)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later), not batch mode: a
    # batch would copy the table, and other tables' foreign keys point at this one.
    op.drop_column("extra_mile_action", "follow_up_due_at")


def downgrade() -> None:
    op.add_column(
        "extra_mile_action",
        sa.Column("follow_up_due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    )
