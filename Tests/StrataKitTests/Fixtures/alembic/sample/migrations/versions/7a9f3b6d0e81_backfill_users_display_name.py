"""backfill users display name

Revision ID: 7a9f3b6d0e81
Revises: 5e2a8d1f7c06
Create Date: 2024-02-19 09:27:58.016873

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a9f3b6d0e81'
down_revision = '5e2a8d1f7c06'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "UPDATE users SET display_name = split_part(email, '@', 1) "
        "WHERE display_name IS NULL OR display_name = ''"
    )
    op.alter_column('users', 'display_name',
               existing_type=sa.String(length=120),
               nullable=False)


def downgrade():
    op.alter_column('users', 'display_name',
               existing_type=sa.String(length=120),
               nullable=True)
