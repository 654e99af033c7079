"""The one base class of domain errors: a rule was broken; the message is translated and shown."""


class DomainError(Exception):
    """A service refused: its message, already in the user's language, is what the user reads."""
