"""The one base class of domain errors: a rule was broken; the message is translated and shown."""


class DomainError(Exception):
    """A service refused: its message, already in the user's language, is what the user reads."""


class AlreadyRecorded(DomainError):
    """The record a form would create exists already (its natural key matched): the page shows that record
    with this message instead of storing a second one (``web.forms.submit``)."""

    def __init__(self, message: str, record) -> None:
        super().__init__(message)
        self.record = record
