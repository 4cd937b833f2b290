"""rule set records: what went into force, what it covers, promotions and their reasons

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rule_set_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.String(length=80), nullable=False),
        sa.Column("directory", sa.String(length=1000), nullable=False),
        sa.Column("coverage", sa.JSON(), nullable=False),
        sa.Column("promoted_by", sa.String(length=254), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rule_set_records_at", "rule_set_records", ["at"])


def downgrade() -> None:
    op.drop_index("ix_rule_set_records_at", table_name="rule_set_records")
    op.drop_table("rule_set_records")
