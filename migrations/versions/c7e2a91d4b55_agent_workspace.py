"""Agent workspace: SLA warning moment on cases, last assignment on users, macros

Revision ID: c7e2a91d4b55
Revises: b41c7d2e9f10
Create Date: 2026-11-25 15:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c7e2a91d4b55'
down_revision = 'b41c7d2e9f10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('macros',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_macros_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_macros'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sla_warning_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_cases_account_created', ['account_id', 'created_at'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_assigned_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('last_assigned_at')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_account_created')
        batch_op.drop_column('sla_warning_at')
    op.drop_table('macros')
