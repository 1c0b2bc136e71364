class RacingError(Exception):
    """Base of the errors raised by racing services; the message is user-facing and translated."""


class InvitationError(RacingError):
    pass
