"""Casework: the customer support case portal."""

from __future__ import annotations

import logging

from flask import Flask

from portal.config import PASSWORD_HASH_METHOD, ConfigError, load_settings
from portal.infra.unit_of_work import UnitOfWorkFlask


def create_app(config: dict | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, CLI and error pages."""
    app = UnitOfWorkFlask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    app.config.update(load_settings(app.instance_path))
    if config:
        app.config.update(config)
    if app.config["PASSWORD_HASH_METHOD"] != PASSWORD_HASH_METHOD and not app.testing:
        raise ConfigError(
            f"PASSWORD_HASH_METHOD must be {PASSWORD_HASH_METHOD!r} outside of tests, "
            f"got {app.config['PASSWORD_HASH_METHOD']!r}"
        )
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)

    from portal import (
        agent,
        assets,
        auth,
        authz,
        cli,
        customer,
        errors,
        extensions,
        feedback,
        form_errors,
        home,
        i18n,
        inputs,
        links,
        security,
        supervisor,
    )
    from portal.infra.database import init_database
    from portal.kernel import labels

    init_database(app)
    inputs.init_app(app)  # before the blueprints: their <int:...> rules use its converter
    extensions.migrate.init_app(
        app, extensions.db, directory=_migrations_dir(), render_as_batch=True, compare_type=True
    )
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    i18n.init_app(app)
    labels.init_app(app)
    authz.init_app(app)
    form_errors.init_app(app)
    links.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    errors.init_app(app)
    cli.init_app(app)

    from portal.infra import mail, outbox, storage  # noqa: F401 - mail registers a handler

    outbox.init_app(app)
    from portal import search

    search.init_app(app)  # the search.case outbox handler and the hooks that enqueue it
    storage.init_app(app)

    app.register_blueprint(auth.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(customer.bp)
    app.register_blueprint(agent.bp)
    app.register_blueprint(feedback.bp)
    app.register_blueprint(supervisor.bp)
    return app


def _migrations_dir() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parent.parent / "migrations")
