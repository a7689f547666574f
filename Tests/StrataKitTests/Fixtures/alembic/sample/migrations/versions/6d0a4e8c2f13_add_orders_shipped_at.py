"""add orders shipped at

Revision ID: 6d0a4e8c2f13
Revises: 8f5d2b7a1c94
Create Date: 2024-03-18 17:00:36.140822

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "6d0a4e8c2f13"
down_revision: Union[str, Sequence[str], None] = "8f5d2b7a1c94"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column(
        "orders", sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_check_constraint(
        "orders_shipped_at_check",
        "orders",
        "status <> 'shipped' OR shipped_at IS NOT NULL",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_constraint("orders_shipped_at_check", "orders", type_="check")
    op.drop_column("orders", "shipped_at")
