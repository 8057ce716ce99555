"""indexes for scale: the outbox by person (to keep each person's messages in order),
actions by time (the digest's week) and by practice (nominations); outbox.maybe_sent

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_outbox_person_pending", "outbox", ["person_id", "status"])
    op.create_index("ix_action_created", "extra_mile_action", ["created_at"])
    op.create_index("ix_action_practice", "extra_mile_action", ["practice_id"])
    with op.batch_alter_table("outbox") as table:
        table.add_column(
            sa.Column("maybe_sent", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as table:
        table.drop_column("maybe_sent")
    op.drop_index("ix_action_practice", table_name="extra_mile_action")
    op.drop_index("ix_action_created", table_name="extra_mile_action")
    op.drop_index("ix_outbox_person_pending", table_name="outbox")
