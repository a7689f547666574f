"""backfill plans yearly price

Revision ID: 2c7b9e05d3f8
Revises: a0f4c8e61b29
Create Date: 2024-02-12 09:15:26.335190

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "2c7b9e05d3f8"
down_revision: Union[str, Sequence[str], None] = "a0f4c8e61b29"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # Two months free on yearly billing.
    op.execute(
        "UPDATE plans SET yearly_price_cents = monthly_price_cents * 10 "
        "WHERE yearly_price_cents IS NULL"
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("UPDATE plans SET yearly_price_cents = NULL")
