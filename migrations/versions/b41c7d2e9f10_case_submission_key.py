"""Case submission key: a double-submitted new-case form finds the case the first one made

Revision ID: b41c7d2e9f10
Revises: a0b28cce3a72
Create Date: 2026-11-25 15:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b41c7d2e9f10'
down_revision = 'a0b28cce3a72'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_cases_submission_key'), ['submission_key'])


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_cases_submission_key'), type_='unique')
        batch_op.drop_column('submission_key')
