"""Fault tests reuse the feature areas' own fixtures rather than growing a second set."""

from tests.events.conftest import (  # noqa: F401
    english,
    event,
    make_entry_class,
    make_event,
    make_session,
)
from tests.events.registration.conftest import (  # noqa: F401
    WEBHOOK_SECRET,
    fake_stripe,
    post_webhook,
    register,
)
