"""practice_size, and two indexes (issue 18: no request may cost more as the year's
actions grow): each practice's count of actions as a counter, backfilled here and kept
in the same transaction as the actions it counts; extra_mile_action (practice_id, id)
for a practice's latest actions as a LIMITed index read; practice_label (method, id)
for the latest answers the threshold is fitted from

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "practice_size",
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("actions", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["practice_id"], ["practice.id"]),
        sa.PrimaryKeyConstraint("practice_id"),
    )
    op.execute(
        "INSERT INTO practice_size (practice_id, actions) "
        "SELECT practice.id, count(extra_mile_action.id) FROM practice "
        "LEFT JOIN extra_mile_action ON extra_mile_action.practice_id = practice.id "
        "GROUP BY practice.id"
    )
    op.create_index(
        "ix_action_practice_latest", "extra_mile_action", ["practice_id", "id"], unique=False
    )
    op.create_index("ix_practice_label_method", "practice_label", ["method", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_practice_label_method", table_name="practice_label")
    op.drop_index("ix_action_practice_latest", table_name="extra_mile_action")
    op.drop_table("practice_size")
