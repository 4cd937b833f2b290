"""impact runs: the reports of `configurator rules impact`

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "impact_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("old_version", sa.String(length=80), nullable=False),
        sa.Column("new_version", sa.String(length=80), nullable=False),
        sa.Column("candidate_dir", sa.String(length=1000), nullable=False),
        sa.Column("designs_checked", sa.Integer(), nullable=False),
        sa.Column("designs_changed", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_impact_runs_created_at", "impact_runs", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_impact_runs_created_at", table_name="impact_runs")
    op.drop_table("impact_runs")
