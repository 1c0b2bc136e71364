class EventsError(Exception):
    """Base of the errors raised by events services; the message is user-facing and translated."""


class EventStateError(EventsError):
    """The event is not in a state that allows this action (e.g. publishing a cancelled event)."""
