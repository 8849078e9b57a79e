"""Contact merges: duplicates keep their row, flagged merged_into_id; a merge record for undo

Revision ID: d4f8a2c61e37
Revises: c7e2a91d4b55
Create Date: 2026-11-25 15:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd4f8a2c61e37'
down_revision = 'c7e2a91d4b55'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contact_merges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survivor_id', sa.Integer(), nullable=False),
    sa.Column('duplicate_id', sa.Integer(), nullable=False),
    sa.Column('duplicate_snapshot', sa.JSON(), nullable=False),
    sa.Column('moved', sa.JSON(), nullable=False),
    sa.Column('merged_by_id', sa.Integer(), nullable=True),
    sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['duplicate_id'], ['contacts.id'], name=op.f('fk_contact_merges_duplicate_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['merged_by_id'], ['users.id'], name=op.f('fk_contact_merges_merged_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survivor_id'], ['contacts.id'], name=op.f('fk_contact_merges_survivor_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['undone_by_id'], ['users.id'], name=op.f('fk_contact_merges_undone_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_merges'))
    )
    with op.batch_alter_table('contact_merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_merges_duplicate_id'), ['duplicate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_merges_survivor_id'), ['survivor_id'], unique=False)

    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_contacts_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_contacts_merged_into_id_contacts'), 'contacts', ['merged_into_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_contacts_merged_into_id_contacts'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_contacts_merged_into_id'))
        batch_op.drop_column('merged_into_id')

    with op.batch_alter_table('contact_merges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_merges_survivor_id'))
        batch_op.drop_index(batch_op.f('ix_contact_merges_duplicate_id'))

    op.drop_table('contact_merges')
