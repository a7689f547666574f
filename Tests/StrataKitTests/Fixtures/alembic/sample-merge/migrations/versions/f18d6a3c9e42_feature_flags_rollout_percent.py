"""feature flags rollout percent

Revision ID: f18d6a3c9e42
Revises: 2c7b9e05d3f8
Create Date: 2024-02-14 13:42:10.927446

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "f18d6a3c9e42"
down_revision: Union[str, Sequence[str], None] = "2c7b9e05d3f8"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # rollout held the percentage as text ('0', '100'); make it a real number.
    op.alter_column(
        "feature_flags",
        "rollout",
        existing_type=sa.Text(),
        type_=sa.SmallInteger(),
        existing_nullable=True,
        postgresql_using="rollout::smallint",
    )
    op.alter_column("feature_flags", "rollout", new_column_name="rollout_percent")
    op.execute("UPDATE feature_flags SET rollout_percent = 0 WHERE rollout_percent IS NULL")
    op.alter_column(
        "feature_flags",
        "rollout_percent",
        existing_type=sa.SmallInteger(),
        nullable=False,
        server_default=sa.text("0"),
    )
    op.create_check_constraint(
        "feature_flags_rollout_percent_check",
        "feature_flags",
        "rollout_percent BETWEEN 0 AND 100",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_constraint(
        "feature_flags_rollout_percent_check", "feature_flags", type_="check"
    )
    op.alter_column(
        "feature_flags",
        "rollout_percent",
        existing_type=sa.SmallInteger(),
        nullable=True,
        server_default=None,
    )
    op.alter_column("feature_flags", "rollout_percent", new_column_name="rollout")
    op.alter_column(
        "feature_flags",
        "rollout",
        existing_type=sa.SmallInteger(),
        type_=sa.Text(),
        existing_nullable=True,
        postgresql_using="rollout::text",
    )
