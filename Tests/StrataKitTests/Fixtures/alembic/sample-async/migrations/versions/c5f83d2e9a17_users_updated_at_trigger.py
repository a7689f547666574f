"""users updated_at trigger

Revision ID: c5f83d2e9a17
Revises: 1e9a6c2b8f05
Create Date: 2024-01-15 10:20:12.664381

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "c5f83d2e9a17"
down_revision: Union[str, Sequence[str], None] = "1e9a6c2b8f05"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.execute(
        """
        CREATE FUNCTION set_updated_at() RETURNS trigger AS $$
        BEGIN
            IF NEW IS DISTINCT FROM OLD
               AND NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
                NEW.updated_at := now()::timestamptz;
            END IF;
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        """
        CREATE TRIGGER users_set_updated_at
            BEFORE UPDATE ON users
            FOR EACH ROW EXECUTE FUNCTION set_updated_at()
        """
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DROP TRIGGER users_set_updated_at ON users")
    op.execute("DROP FUNCTION set_updated_at()")
