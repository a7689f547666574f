"""seed plans

Revision ID: 1e9a6c2b8f05
Revises: b7d1e4f0a3c6
Create Date: 2024-01-10 14:18:55.940112

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "1e9a6c2b8f05"
down_revision: Union[str, Sequence[str], None] = "b7d1e4f0a3c6"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


# A lightweight table for the seed rows; is_public and created_at are not
# listed, so the server fills them in (true, now()).
plans = sa.table(
    "plans",
    sa.column("code", sa.String),
    sa.column("name", sa.Text),
    sa.column("monthly_price_cents", sa.Integer),
    sa.column("max_users", sa.Integer),
)


def upgrade() -> None:
    """Upgrade schema."""
    op.bulk_insert(
        plans,
        [
            {"code": "free", "name": "Free", "monthly_price_cents": 0, "max_users": 3},
            {"code": "team", "name": "Team", "monthly_price_cents": 2900, "max_users": 25},
            {"code": "business", "name": "Business", "monthly_price_cents": 9900, "max_users": None},
        ],
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DELETE FROM plans WHERE code IN ('free', 'team', 'business')")
