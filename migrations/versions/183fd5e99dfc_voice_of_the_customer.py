"""Voice of the customer: survey invitations, feedback themes and their links, feedback comments

Revision ID: 183fd5e99dfc
Revises: d4f8a2c61e37
Create Date: 2026-11-25 16:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '183fd5e99dfc'
down_revision = 'd4f8a2c61e37'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feedback_themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_themes')),
    sa.UniqueConstraint('name', name=op.f('uq_feedback_themes_name'))
    )
    op.create_table('feedback_theme_links',
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], name=op.f('fk_feedback_theme_links_feedback_id_feedback'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['feedback_themes.id'], name=op.f('fk_feedback_theme_links_theme_id_feedback_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('feedback_id', 'theme_id', name=op.f('pk_feedback_theme_links'))
    )
    with op.batch_alter_table('feedback_theme_links', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_theme_links_theme_id', ['theme_id'], unique=False)

    op.create_table('feedback_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_feedback_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], name=op.f('fk_feedback_comments_feedback_id_feedback'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_comments'))
    )
    with op.batch_alter_table('feedback_comments', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_comments_feedback_created', ['feedback_id', 'created_at'], unique=False)

    op.create_table('survey_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('csat', 'nps', 'complaint', 'suggestion', 'compliment', 'question', name='feedbackkind', native_enum=False, length=20), nullable=False),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('feedback_id', sa.Integer(), nullable=True),
    sa.Column('is_emailed', sa.Boolean(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_survey_invitations_account_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_survey_invitations_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_survey_invitations_contact_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], name=op.f('fk_survey_invitations_feedback_id_feedback'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_invitations')),
    sa.UniqueConstraint('feedback_id', name=op.f('uq_survey_invitations_feedback_id')),
    sa.UniqueConstraint('nonce', name=op.f('uq_survey_invitations_nonce'))
    )
    with op.batch_alter_table('survey_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_invitations_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_survey_invitations_contact_kind_sent', ['contact_id', 'kind', 'sent_at'], unique=False)
        batch_op.create_index('ix_survey_invitations_kind_sent', ['kind', 'sent_at'], unique=False)


def downgrade():
    with op.batch_alter_table('survey_invitations', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_invitations_kind_sent')
        batch_op.drop_index('ix_survey_invitations_contact_kind_sent')
        batch_op.drop_index(batch_op.f('ix_survey_invitations_case_id'))

    op.drop_table('survey_invitations')
    with op.batch_alter_table('feedback_comments', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_comments_feedback_created')

    op.drop_table('feedback_comments')
    with op.batch_alter_table('feedback_theme_links', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_theme_links_theme_id')

    op.drop_table('feedback_theme_links')
    op.drop_table('feedback_themes')
