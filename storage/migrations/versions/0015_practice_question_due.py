"""practice_question_due: a saved deed whose practice question is not queued yet, marked
in the save's transaction and unmarked in the question's, so that a question lost
between the two (the process died) is asked later, once. Not backfilled: deeds saved
before have no mark and are never asked again. `attempts` counts the recovery's failed
tries (it gives up after a few)

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "practice_question_due",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("saved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.ForeignKeyConstraint(["action_id"], ["extra_mile_action.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("action_id"),
    )
    op.create_index(
        "ix_practice_question_due_saved_at", "practice_question_due", ["saved_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_practice_question_due_saved_at", table_name="practice_question_due")
    op.drop_table("practice_question_due")
