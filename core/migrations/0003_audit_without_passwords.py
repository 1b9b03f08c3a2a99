"""Passwords typed in the admin's "add user" form were written to the audit log with the other fields changed
(admin.AuditedAdmin before this migration): they are taken out of the entries already written."""

from django.db import migrations

TYPED_PASSWORDS = ("password1", "password2")


def forget_typed_passwords(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    for entry in AuditEntry.objects.filter(action="admin.core.user.created").only("data"):
        if any(key in entry.data for key in TYPED_PASSWORDS):
            entry.data = {key: value for key, value in entry.data.items() if key not in TYPED_PASSWORDS}
            entry.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [("core", "0002_outgoing_email_attachments")]

    operations = [migrations.RunPython(forget_typed_passwords, migrations.RunPython.noop, elidable=False)]
