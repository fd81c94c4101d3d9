"""Every write of the shared kernel: ``<noun>_<verb>(*, ..., actor)``, atomic, audited."""

from .jobs import JobProgress, job_mark_failed, job_run, job_start, start_periodic_due, worker_heartbeat
from .notifications import (
    notification_mark_read,
    notify,
    outbox_deliver,
    subscription_create,
    subscription_delete,
    topic_ensure,
)
from .persons import (
    PersonRow,
    person_create,
    person_update,
    person_view_record,
    persons_import,
    persons_import_validate,
    persons_view_record_many,
)
from .runs import NoProgress, run_job_start, run_mark_computing, run_refuse_same_person
from .tokens import token_authenticate, token_create, token_revoke
from .users import user_change_own_password, user_create, user_set_active, user_set_password, user_set_roles

__all__ = [
    "JobProgress",
    "NoProgress",
    "PersonRow",
    "job_mark_failed",
    "job_run",
    "job_start",
    "notification_mark_read",
    "notify",
    "outbox_deliver",
    "person_create",
    "person_update",
    "person_view_record",
    "persons_import",
    "persons_import_validate",
    "persons_view_record_many",
    "run_job_start",
    "run_mark_computing",
    "run_refuse_same_person",
    "start_periodic_due",
    "subscription_create",
    "subscription_delete",
    "token_authenticate",
    "token_create",
    "token_revoke",
    "topic_ensure",
    "user_change_own_password",
    "user_create",
    "user_set_active",
    "user_set_password",
    "user_set_roles",
    "worker_heartbeat",
]
