"""orders org id number unique

Revision ID: 4f7e1b0c8d56
Revises: b9a3d6f0e284
Create Date: 2024-04-09 09:38:22.659930

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "4f7e1b0c8d56"
down_revision: Union[str, Sequence[str], None] = "b9a3d6f0e284"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # Order numbers are per org.
    op.create_unique_constraint(
        "orders_org_id_number_key", "orders", ["org_id", "number"]
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_constraint("orders_org_id_number_key", "orders", type_="unique")
