"""action_vector: each action's embedding for practice matching (issue 17), stored once
when the action is saved, with the model that made it

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "action_vector",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=60), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["extra_mile_action.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("action_id"),
    )


def downgrade() -> None:
    op.drop_table("action_vector")
