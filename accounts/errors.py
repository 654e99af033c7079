from web.errors import DomainError


class SecondFactorError(DomainError):
    """A second-factor action was refused; the message says why, in the user's language."""
