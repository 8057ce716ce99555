"""practice_label: each person's answer to "which practice is this?" (a pick, or "It's
something new") with the ranking's best score, to re-fit the threshold for showing
practices; practice.title_locked: a manager's own wording (issue 17)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("practice") as batch:
        batch.add_column(
            sa.Column("title_locked", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "practice_label",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("same", sa.Boolean(), nullable=False),
        sa.Column("via", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("top_score", sa.Float(), nullable=False),
        sa.Column("picked_score", sa.Float(), nullable=True),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["extra_mile_action.id"]),
        sa.ForeignKeyConstraint(["practice_id"], ["practice.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("action_id"),
    )
    op.create_index(
        op.f("ix_practice_label_practice_id"), "practice_label", ["practice_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_practice_label_practice_id"), table_name="practice_label")
    op.drop_table("practice_label")
    with op.batch_alter_table("practice") as batch:
        batch.drop_column("title_locked")
