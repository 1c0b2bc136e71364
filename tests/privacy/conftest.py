"""The events factories, for privacy tests that need real events and entries."""

from tests.events.conftest import event, make_entry_class, make_event, make_session

__all__ = ["event", "make_entry_class", "make_event", "make_session"]
