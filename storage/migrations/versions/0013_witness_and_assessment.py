"""witness_statement, assessor_mark, evidence_request, knowledge_skip (issue 19b): witness
statements asked in chat, an assessor's marks and evidence requests, and the knowledge
questions a learner skipped

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "witness_statement",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.String(length=63), nullable=False),
        sa.Column("witness_id", sa.String(length=63), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.Column("witness_role", sa.String(length=20), nullable=False),
        sa.Column("asked_at", _WHEN(), nullable=False),
        sa.Column("answer", sa.String(length=20), nullable=True),
        sa.Column("words", sa.Text(), server_default="", nullable=False),
        sa.Column("answered_at", _WHEN(), nullable=True),
        sa.ForeignKeyConstraint(["action_id"], ["extra_mile_action.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["learner_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["witness_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("action_id", "witness_id", name="uq_witness_statement_action_witness"),
    )
    op.create_index("ix_witness_statement_learner", "witness_statement", ["learner_id", "asked_at"])
    op.create_table(
        "assessor_mark",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("learner_id", sa.String(length=63), nullable=False),
        sa.Column("assessor_id", sa.String(length=63), nullable=False),
        sa.Column("criterion", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", _WHEN(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["assessor_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_assessor_mark_learner", "assessor_mark", ["learner_id", "created_at"])
    op.create_table(
        "evidence_request",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("learner_id", sa.String(length=63), nullable=False),
        sa.Column("assessor_id", sa.String(length=63), nullable=False),
        sa.Column("criterion", sa.String(length=10), server_default="", nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("created_at", _WHEN(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", _WHEN(), nullable=True),
        sa.ForeignKeyConstraint(["learner_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["assessor_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_evidence_request_learner", "evidence_request", ["learner_id", "created_at"])
    op.create_table(
        "knowledge_skip",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=63), nullable=False),
        sa.Column("criterion", sa.String(length=10), nullable=False),
        sa.Column("skipped_at", _WHEN(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_knowledge_skip_person", "knowledge_skip", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_knowledge_skip_person", table_name="knowledge_skip")
    op.drop_table("knowledge_skip")
    op.drop_index("ix_evidence_request_learner", table_name="evidence_request")
    op.drop_table("evidence_request")
    op.drop_index("ix_assessor_mark_learner", table_name="assessor_mark")
    op.drop_table("assessor_mark")
    op.drop_index("ix_witness_statement_learner", table_name="witness_statement")
    op.drop_table("witness_statement")
