"""index audit events action

Revision ID: 7e0b4c9d1a35
Revises: c3d8a2f6e709
Create Date: 2024-04-22 10:49:18.816593

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "7e0b4c9d1a35"
down_revision: Union[str, Sequence[str], None] = "c3d8a2f6e709"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index(
        "audit_events_action_occurred_at_idx",
        "audit_events",
        ["action", "occurred_at"],
        unique=False,
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("audit_events_action_occurred_at_idx", table_name="audit_events")
