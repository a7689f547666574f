"""create org order totals view

Revision ID: 3b1f9c8e4a60
Revises: 0c6e5a9b3d27
Create Date: 2024-03-06 16:33:45.251967

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "3b1f9c8e4a60"
down_revision: Union[str, Sequence[str], None] = "0c6e5a9b3d27"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # Sandbox orgs (slug ending in -sandbox) are left out of the totals.
    op.execute(
        """
        CREATE VIEW org_order_totals AS
        SELECT o.id AS org_id,
               o.name,
               count(ord.id) AS order_count,
               coalesce(sum(ord.total_cents) FILTER (WHERE ord.status IN ('paid', 'shipped')), 0)::bigint
                   AS revenue_cents
        FROM orgs o
        LEFT JOIN orders ord ON ord.org_id = o.id
        WHERE o.slug NOT LIKE '%-sandbox'
        GROUP BY o.id, o.name
        """
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DROP VIEW org_order_totals")
