"""Roles as groups.

Their permissions are set after every migrate by tugi.core.roles.sync_role_permissions; the
standard notification topics by tugi.core.topics.ensure_standard_topics.
"""

from django.db import migrations

ROLES = ["domain_support", "test_manager", "finance", "auditor", "admin"]


def forward(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def backward(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forward, backward)]
