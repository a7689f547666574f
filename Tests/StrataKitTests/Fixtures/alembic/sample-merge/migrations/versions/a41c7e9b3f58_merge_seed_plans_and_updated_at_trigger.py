"""merge seed plans and updated_at trigger

Revision ID: a41c7e9b3f58
Revises: 1e9a6c2b8f05, c5f83d2e9a17
Create Date: 2024-01-15 10:41:27.305561

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "a41c7e9b3f58"
down_revision: Union[str, Sequence[str], None] = ("1e9a6c2b8f05", "c5f83d2e9a17")
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    pass


def downgrade() -> None:
    """Downgrade schema."""
    pass
