"""Domain errors raised by services; one error handler turns each into a page or a JSON error."""


class DomainError(Exception):
    """Base class; `status` is the HTTP status the error handler answers with."""

    status = 400


class InvalidTransition(DomainError):
    status = 400


class NotAllowed(DomainError):
    status = 403


class StaleCase(DomainError):
    status = 409


class TooManyAttempts(DomainError):
    """Sign-in is throttled for this address and client; `retry_after` is in seconds."""

    status = 429

    def __init__(self, retry_after: int):
        super().__init__("too many failed sign-in attempts")
        self.retry_after = retry_after
