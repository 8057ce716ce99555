"""evidence_statement: a learner's own words, asked in chat (issue 19): what the customer
expected, the offer in their words, the result, what the customer said, a reflection,
their reasoning and knowledge answers; redacted before they are stored

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evidence_statement",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=63), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("criterion", sa.String(length=10), server_default="", nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["action_id"], ["extra_mile_action.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_evidence_statement_person", "evidence_statement", ["person_id", "created_at"]
    )
    op.create_index("ix_evidence_statement_action", "evidence_statement", ["action_id"])


def downgrade() -> None:
    op.drop_index("ix_evidence_statement_action", table_name="evidence_statement")
    op.drop_index("ix_evidence_statement_person", table_name="evidence_statement")
    op.drop_table("evidence_statement")
