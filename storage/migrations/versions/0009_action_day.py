"""action_day: actions per day (UTC), team (the person's supervisor) and situation, kept
with each action, so the digest and its trend read a few rows a day rather than every
action of eight weeks (issue 18); filled from the actions already stored. Customer
feedback by time (the digest's praise of the week)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here (storage.summary.rebuild_sql may change later).
DAY = {
    "sqlite": "date(a.created_at)",
    "postgresql": "CAST(a.created_at AT TIME ZONE 'UTC' AS DATE)",
}


def upgrade() -> None:
    op.create_table(
        "action_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("supervisor_id", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
        sa.Column("context", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("actions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "supervisor_id", "context"),
    )
    op.create_index("ix_feedback_created", "customer_feedback", ["created_at"])
    day = DAY[op.get_bind().dialect.name]
    op.execute(
        "INSERT INTO action_day (day, supervisor_id, context, actions) "
        f"SELECT {day}, COALESCE(p.supervisor_id, ''), a.context, count(*) "
        "FROM extra_mile_action a JOIN person p ON p.id = a.person_id "
        f"GROUP BY {day}, COALESCE(p.supervisor_id, ''), a.context"
    )


def downgrade() -> None:
    op.drop_index("ix_feedback_created", table_name="customer_feedback")
    op.drop_table("action_day")
