"""Settings for the test suite: the project's settings in development mode, stated explicitly.

Debug mode is off unless DJANGO_DEBUG turns it on, and without it the settings require a secret
key. The suite exercises the development configuration (plain HTTP, report-only content security
policy, unhashed static files) with a key of its own, so `make test` needs nothing set. The values
go into the environment before the project's settings are read, so servers the tests start in
subprocesses inherit them; tests of production settings start theirs with a clean environment.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-insecure-key-" + "x" * 40)

from config.settings import *  # noqa: F403

# Event mail is sent inline after commit, so a test reads the outbox as soon as its request
# returns; the background path has tests of its own that switch it on.
PADDOCK_MAIL_IN_BACKGROUND = False
