"""The fixed set of roles. Their names are translated in code (`Role.Code` labels), so only the codes are stored."""

from django.db import migrations

ROLE_CODES = [
    "intake_staff",
    "handler",
    "manager",
    "senior_manager",
    "board_member",
    "complaints_officer",
    "committee_member",
    "analyst",
    "administrator",
]


def create_roles(apps, schema_editor):
    Role = apps.get_model("organisations", "Role")
    for code in ROLE_CODES:
        Role.objects.get_or_create(code=code)


def remove_roles(apps, schema_editor):
    apps.get_model("organisations", "Role").objects.filter(code__in=ROLE_CODES).delete()


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
