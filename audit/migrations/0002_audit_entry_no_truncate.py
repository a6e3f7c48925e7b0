from django.db import migrations

# TRUNCATE bypasses the row-level UPDATE/DELETE trigger, so a statement-level trigger refuses it
# too (ADR 19, as amended). Only the table owner could disable it; production runs the portal
# as a role that does not own the table. The test suite's flush disables it for its own
# transaction (tests/conftest.py).
NO_TRUNCATE = """
CREATE TRIGGER audit_entry_no_truncate
    BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();
"""
DROP_NO_TRUNCATE = "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;"


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_entry")]

    operations = [migrations.RunSQL(NO_TRUNCATE, DROP_NO_TRUNCATE)]
