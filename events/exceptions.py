class EventsError(Exception):
    """Base of the errors raised by events services; the message is user-facing and translated."""


class EventStateError(EventsError):
    """The event is not in a state that allows this action (e.g. publishing a cancelled event)."""


class RegistrationError(EventsError):
    """An entry could not be made or changed; `field` names the form field to attach it to."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotEligible(RegistrationError):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class ClassFull(RegistrationError):
    """No place is left; the caller may offer the waiting list."""


class AlreadyEntered(RegistrationError):
    """The driver already holds an entry covering this class (a second click, another tab)."""


class PaymentFlowError(EventsError):
    """A payment step failed; the message is user-facing and translated."""
