"""The security role (infoturbe spetsialist): the last approver of requests for sensitive rights."""

from django.db import migrations


def forward(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="security")


def backward(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="security").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_roles_and_topics")]
    operations = [migrations.RunPython(forward, backward)]
