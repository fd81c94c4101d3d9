"""Roles as groups, and the notification topics the areas use.

Permissions of the groups are set after every migrate by tugi.core.roles.sync_role_permissions.
"""

from django.db import migrations

ROLES = ["domain_support", "test_manager", "finance", "auditor", "admin"]

TOPICS = [
    ("delivery-schedule", "Tarnete ajakava", "Planned and hot-fix deliveries and changes to their schedule."),
    (
        "clone-notice",
        "Eeltoodangu kloonimine",
        "Planned clones of the pre-production environment and follow-up.",
    ),
    ("mass-calculation", "Pensionikindlustuse massarvutus", "Progress of the yearly mass calculation."),
    ("classifier-published", "Klassifikaatori uus versioon", "A classifier version was published."),
]


def forward(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Topic = apps.get_model("core", "Topic")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    for code, name, description in TOPICS:
        Topic.objects.get_or_create(code=code, defaults={"name": name, "description": description})


def backward(apps, schema_editor):
    apps.get_model("core", "Topic").objects.filter(code__in=[t[0] for t in TOPICS]).delete()
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forward, backward)]
