"""Test overrides: fast hashing, DEBUG on for plain HTTP, in-memory SQLite unless DATABASE_URL."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")

from kotopolku.config.settings import *  # noqa: E402,F403
from kotopolku.config.settings import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tasks run where they are enqueued unless a test starts a real worker (jobs/tests/stack.py).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate")
if TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# WhiteNoise scans the whole static folder whenever a request handler is built, and the test
# client builds one per client: a fifth of the URL matrix's time. Looking files up per request
# (as in development) serves the same files.
WHITENOISE_AUTOREFRESH = True
