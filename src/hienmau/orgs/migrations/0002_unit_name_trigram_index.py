"""Trigram index on the folded unit name, on PostgreSQL only.

Searching "contains" on the folded copy works on both databases; on PostgreSQL a pg_trgm GIN index
keeps it fast on a national tree. SQLite has no equivalent and does not need one at a province's size.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS orgs_unit_name_folded_trgm ON orgs_unit USING gin (name_folded gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS orgs_unit_name_folded_trgm")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]
