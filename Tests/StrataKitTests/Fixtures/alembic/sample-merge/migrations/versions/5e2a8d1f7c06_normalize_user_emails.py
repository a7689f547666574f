"""normalize user emails

Revision ID: 5e2a8d1f7c06
Revises: f18d6a3c9e42
Create Date: 2024-02-19 08:51:33.604259

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "5e2a8d1f7c06"
down_revision: Union[str, Sequence[str], None] = "f18d6a3c9e42"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # Store emails lower-cased once and for all, so a plain unique constraint
    # replaces the expression index on lower(email).
    op.execute("UPDATE users SET email = lower(email) WHERE email <> lower(email)")
    op.drop_index("users_email_lower_key", table_name="users")
    op.create_unique_constraint("users_email_key", "users", ["email"])
    op.create_check_constraint(
        "users_email_lowercase_check", "users", "email = lower(email)"
    )


def downgrade() -> None:
    """Downgrade schema."""
    # strata-fixture: irreversible
    raise NotImplementedError(
        "irreversible: the original case of user emails was not kept"
    )
