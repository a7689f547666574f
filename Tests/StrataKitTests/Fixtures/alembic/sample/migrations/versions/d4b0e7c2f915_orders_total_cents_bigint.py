"""orders total cents bigint

Revision ID: d4b0e7c2f915
Revises: 7a9f3b6d0e81
Create Date: 2024-02-26 15:03:14.482590

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "d4b0e7c2f915"
down_revision: Union[str, Sequence[str], None] = "7a9f3b6d0e81"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.alter_column(
        "orders",
        "total_cents",
        existing_type=sa.Integer(),
        type_=sa.BigInteger(),
        existing_nullable=False,
        existing_server_default=sa.text("0"),
        postgresql_using="total_cents::bigint",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.alter_column(
        "orders",
        "total_cents",
        existing_type=sa.BigInteger(),
        type_=sa.Integer(),
        existing_nullable=False,
        existing_server_default=sa.text("0"),
        postgresql_using="total_cents::integer",
    )
