"""Trigram index on the folded donor name, on PostgreSQL only (a national registry holds millions)."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS donors_donor_name_folded_trgm ON donors_donor USING gin (name_folded gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS donors_donor_name_folded_trgm")


class Migration(migrations.Migration):
    dependencies = [("donors", "0002_benefit_rates")]
    operations = [migrations.RunPython(create_index, drop_index)]
