from web.errors import DomainError


class UnitsError(DomainError):
    """A domain rule of the units app was broken; the message is translated and shown to the user."""
