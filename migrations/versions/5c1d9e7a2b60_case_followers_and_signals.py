"""Signals that reach somebody: case followers, the event a notification is about, and queue
memberships as agent

- `case_followers`: staff who worked a case keep reading it and hear of its updates. Filled
  here from history: authors of staff timeline entries, people who asked for an escalation,
  and current assignees.
- `notifications.event_id`: the timeline entry a notification links to.
- `queue_members.as_agent`: a supervisor or admin takes a queue's cases only when they
  joined it as an agent. Existing memberships are not (agents work their queues anyway).

Revision ID: 5c1d9e7a2b60
Revises: f3a9c0d12b47
Create Date: 2026-12-07 18:00:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


revision = '5c1d9e7a2b60'
down_revision = 'f3a9c0d12b47'
branch_labels = None
depends_on = None

WORKED = """
INSERT INTO case_followers (case_id, user_id, is_following, created_at)
SELECT worked.case_id, worked.user_id, :following, :now FROM (
    SELECT e.case_id AS case_id, e.author_id AS user_id
      FROM case_events e JOIN users u ON u.id = e.author_id
     WHERE u.role <> 'customer'
    UNION
    SELECT x.case_id, x.requested_by_id FROM escalations x WHERE x.requested_by_id IS NOT NULL
    UNION
    SELECT c.id, c.assignee_id FROM cases c WHERE c.assignee_id IS NOT NULL
) worked
"""


def upgrade():
    op.create_table('case_followers',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('is_following', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_followers_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_case_followers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'user_id', name=op.f('pk_case_followers'))
    )
    with op.batch_alter_table('case_followers', schema=None) as batch_op:
        batch_op.create_index('ix_case_followers_user_case', ['user_id', 'case_id'], unique=False)

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notifications_event_id'), ['event_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notifications_event_id_case_events'), 'case_events', ['event_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('queue_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('as_agent', sa.Boolean(), server_default=sa.false(), nullable=False))

    bind = op.get_bind()
    now = datetime.now(UTC)
    if bind.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # as the models' UTCDateTime stores it there
    bind.execute(
        sa.text(WORKED).bindparams(
            sa.bindparam("following", True, type_=sa.Boolean()),
            sa.bindparam("now", now, type_=sa.DateTime(timezone=True)),
        )
    )


def downgrade():
    with op.batch_alter_table('queue_members', schema=None) as batch_op:
        batch_op.drop_column('as_agent')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_event_id_case_events'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notifications_event_id'))
        batch_op.drop_column('event_id')

    with op.batch_alter_table('case_followers', schema=None) as batch_op:
        batch_op.drop_index('ix_case_followers_user_case')

    op.drop_table('case_followers')
