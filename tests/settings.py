"""Settings for the test suite: Tugi's own, with fast hashing, immediate tasks and mail in memory."""

import tempfile
from pathlib import Path

from tugi.settings import *  # noqa: F403

SECRET_KEY = "tests-only-secret-key-that-is-long-enough-for-django-checks-0123456789"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DATA_DIR = Path(tempfile.mkdtemp(prefix="tugi-test-data-"))
# `tugi demo` in tests skips the pensions population (tests/pensions/test_demo.py loads it small).
DEMO_PENSION_PERSONS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": DATA_DIR}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Messages asserted in tests are the English source texts; Estonian is checked in test_i18n
# and by the browser tests (Chromium asks for et-EE).
LANGUAGE_CODE = "en"
