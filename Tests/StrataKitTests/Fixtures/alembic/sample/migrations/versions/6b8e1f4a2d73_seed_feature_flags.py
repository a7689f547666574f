"""seed feature flags

Revision ID: 6b8e1f4a2d73
Revises: 9d3c2a7e5b10
Create Date: 2024-02-05 11:45:02.118764

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "6b8e1f4a2d73"
down_revision: Union[str, None] = "9d3c2a7e5b10"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.execute(
        """
        INSERT INTO feature_flags (id, key, enabled, rollout, description, created_at)
        VALUES
            (gen_random_uuid(), 'new_checkout', false, '0', 'Checkout flow rewrite', now()),
            (gen_random_uuid(), 'order_export', true, '100', 'CSV export of orders', now())
        """
    )


def downgrade() -> None:
    op.execute("DELETE FROM feature_flags WHERE key IN ('new_checkout', 'order_export')")
