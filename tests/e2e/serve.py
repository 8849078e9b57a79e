"""The browser tests' live server: `python -m tests.e2e.serve`.

Migrates and seeds the database of DATABASE_URL (the demo data with 40 cases), builds the search
index, then serves the portal (without rate limits) on 127.0.0.1 on a port the OS picks. The
port is printed alone on stdout once the socket listens, so runs at the same time never race
each other for a port (or talk to each other's server); everything else goes to stderr.
"""

from __future__ import annotations

import os
import socket
import sys
import traceback

SEED_COMMANDS = (["db", "upgrade"], ["seed-demo", "--cases", "40"], ["search", "rebuild"])


def seed() -> int:
    """Run the seeding commands as `flask` would; the exit code."""
    from portal import create_app

    app = create_app()
    runner = app.test_cli_runner()
    for command in SEED_COMMANDS:
        with app.app_context():  # as `flask` gives every command
            result = runner.invoke(args=command)
        print(f"$ flask {' '.join(command)}\n{result.output}", flush=True)
        if result.exit_code != 0:
            if result.exc_info:
                traceback.print_exception(*result.exc_info)
            return 1
    return 0


def main() -> int:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    os.environ["BASE_URL"] = f"http://127.0.0.1:{port}"
    stdout, sys.stdout = sys.stdout, sys.stderr

    from werkzeug.serving import make_server

    from portal import create_app

    # Seeded in a child process, as by `flask` commands before `flask run`: `db upgrade` reads
    # alembic.ini's logging settings, which would silence the server's own loggers.
    child = os.fork()
    if child == 0:
        os._exit(seed())
    if os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]) != 0:
        return 1
    # Without rate limits: the browser tests sign in and file cases far more often than a
    # person would (the limits have tests of their own).
    app = create_app({"RATELIMIT_ENABLED": False})
    server = make_server("127.0.0.1", port, app, threaded=True, fd=listener.fileno())
    print(port, file=stdout, flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
