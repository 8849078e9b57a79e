"""Verified addresses: when and how each login's email was proven, who made the login, and
the single-use links that prove an address (registration confirmations, invitations)

- `users.email_verified_at`, `users.email_verified_via`: a self-registration stays pending
  (both NULL) until its emailed link is followed. Every login that exists when this runs
  (staff, demo users, customers who registered before) counts as verified: at its
  `created_at`, via `legacy`.
- `users.created_by_id`: the agent who invited the contact; NULL for self-registration.
- `address_links`: the links, hashed (SHA-256), single use, expiring.

On SQLite, `users` is built anew to get its new foreign key, with foreign keys off (SQLite's
own procedure for altering a table): dropping the old table with them on would delete or
empty every row that refers to a user (sessions, followers, notifications, assignees...).

Revision ID: 9b7e3f1c2a64
Revises: 5c1d9e7a2b60
Create Date: 2026-12-07 22:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '9b7e3f1c2a64'
down_revision = '5c1d9e7a2b60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('address_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('registration', 'invitation', name='linkpurpose', native_enum=False, length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_address_links_contact_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_address_links_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_address_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_address_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_address_links_token_hash'))
    )
    with op.batch_alter_table('address_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_address_links_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_address_links_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('email_verified_via', sa.Enum('registration', 'invitation', 'password_reset', 'legacy', 'seed', name='addressproof', native_enum=False, length=20), nullable=True))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_created_by_id_users'), 'users', ['created_by_id'], ['id'], ondelete='SET NULL')

    # Logins made before addresses were verified keep working: they count as verified.
    op.execute(
        "UPDATE users SET email_verified_at = created_at, email_verified_via = 'legacy' "
        "WHERE email_verified_at IS NULL"
    )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_created_by_id_users'), type_='foreignkey')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('email_verified_via')
        batch_op.drop_column('email_verified_at')

    with op.batch_alter_table('address_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_address_links_user_id'))
        batch_op.drop_index(batch_op.f('ix_address_links_contact_id'))

    op.drop_table('address_links')
