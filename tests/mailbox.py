"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for tests."""

from __future__ import annotations

import email
import email.policy
import socket
import time

from aiosmtpd.controller import Controller

BIND_ATTEMPTS = 5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


class LoopbackSMTP:
    """`with LoopbackSMTP() as smtp:` ... `smtp.wait_for(n)` returns the messages received."""

    def __init__(self):
        self.port: int | None = None
        self._collector = _Collector()
        self._controller: Controller | None = None

    def __enter__(self):
        # A free port can be taken by another process (a parallel worker or run) before the
        # server binds it: then the start fails and another port is tried.
        for _ in range(BIND_ATTEMPTS):
            port = free_port()
            controller = Controller(self._collector, hostname="127.0.0.1", port=port)
            try:
                controller.start()
            except OSError:
                continue
            self.port, self._controller = port, controller
            return self
        raise RuntimeError(f"no free port for the test SMTP server in {BIND_ATTEMPTS} attempts")

    def __exit__(self, *exc):
        self._controller.stop()

    @property
    def messages(self):
        return list(self._collector.messages)

    def wait_for(self, count: int, timeout: float = 5.0):
        """The messages received once there are `count` (or the timeout has passed). A message
        is kept before the server answers 250, so all a sender sent before this call are here:
        a test that expects exactly `count` need not wait longer to see an extra one."""
        deadline = time.monotonic() + timeout
        while len(self._collector.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages

    def wait_for_mail_to(
        self, address: str, count: int = 1, timeout: float = 15.0, *, subject: str = ""
    ):
        """The messages sent to `address` (whose subject contains `subject`), once there are
        `count` of them (or the timeout has passed): for a server shared by several tests,
        whose other messages do not count."""
        deadline = time.monotonic() + timeout
        while True:
            found = [
                m
                for m in self._collector.messages
                if m["To"] == address and subject in str(m["Subject"])
            ]
            if len(found) >= count or time.monotonic() >= deadline:
                return found
            time.sleep(0.02)
