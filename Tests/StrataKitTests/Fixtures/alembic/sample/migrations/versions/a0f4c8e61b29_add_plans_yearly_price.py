"""add plans yearly price

Revision ID: a0f4c8e61b29
Revises: 6b8e1f4a2d73
Create Date: 2024-02-12 09:00:47.803315

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "a0f4c8e61b29"
down_revision: Union[str, Sequence[str], None] = "6b8e1f4a2d73"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column("plans", sa.Column("yearly_price_cents", sa.Integer(), nullable=True))
    op.create_check_constraint(
        "plans_yearly_price_cents_check", "plans", "yearly_price_cents >= 0"
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_constraint("plans_yearly_price_cents_check", "plans", type_="check")
    op.drop_column("plans", "yearly_price_cents")
