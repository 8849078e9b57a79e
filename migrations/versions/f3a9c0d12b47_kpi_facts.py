"""KPI facts on cases (business minutes to first response and resolution, agent replies,
reopens, the tier a case was opened at) and goal alert settings

Existing cases get the facts from `flask kpi backfill`, which replays each case's history
with its SLA calendar (business hours cannot be computed in SQL).

Revision ID: f3a9c0d12b47
Revises: e91b3c7a5d20
Create Date: 2026-11-25 18:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f3a9c0d12b47'
down_revision = 'e91b3c7a5d20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opened_tier', sa.SmallInteger(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('first_response_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('resolution_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('agent_replies', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('reopen_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_cases_created', ['created_at'], unique=False)
        batch_op.create_index('ix_cases_first_responded', ['first_responded_at'], unique=False)
        batch_op.create_index('ix_cases_resolved', ['resolved_at'], unique=False)

    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('thresholds', sa.String(length=60), server_default='75,100', nullable=False))
        batch_op.add_column(sa.Column('behind_margin', sa.Integer(), server_default='10', nullable=False))
        batch_op.add_column(sa.Column('behind_alerted', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.drop_column('behind_alerted')
        batch_op.drop_column('behind_margin')
        batch_op.drop_column('thresholds')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_resolved')
        batch_op.drop_index('ix_cases_first_responded')
        batch_op.drop_index('ix_cases_created')
        batch_op.drop_column('reopen_count')
        batch_op.drop_column('agent_replies')
        batch_op.drop_column('resolution_minutes')
        batch_op.drop_column('first_response_minutes')
        batch_op.drop_column('opened_tier')
