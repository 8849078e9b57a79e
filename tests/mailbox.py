"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for tests."""

from __future__ import annotations

import email
import email.policy
import socket
import time

from aiosmtpd.controller import Controller


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
        self.port = free_port()
        self._collector = _Collector()
        self._controller = Controller(self._collector, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self._controller.start()
        return self

    def __exit__(self, *exc):
        self._controller.stop()

    @property
    def messages(self):
        return list(self._collector.messages)

    def wait_for(self, count: int, timeout: float = 5.0):
        deadline = time.monotonic() + timeout
        while len(self._collector.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.05)
        return self.messages
