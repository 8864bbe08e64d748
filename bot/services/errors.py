"""Domain errors carry a calm, user-facing sentence; the Slack error handler shows it privately."""


class DomainError(Exception):
    """Something the person asked for cannot happen; `message` says why, politely."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(DomainError):
    """The person may not do this (not a party, wrong side, ...)."""


class NotFound(DomainError):
    """The thing referred to does not exist (any more)."""


class IllegalTransition(DomainError):
    """The dispute's status does not allow this step."""
