"""Benefit amounts of Circular 15/2023/TT-BYT (in force from 15/9/2023), as dated rows.

A later circular is a new set of rows with its own effective date, entered in the admin; nothing in the
code names an amount.
"""

import datetime

from django.db import migrations

CITATION = "Thông tư 15/2023/TT-BYT, Điều 3 (từ 15/9/2023)"
RATES = (
    ("whole_blood", 0, 299, 100_000),
    ("whole_blood", 300, 399, 150_000),
    ("whole_blood", 400, 500, 180_000),
    ("apheresis", 0, 299, 150_000),
    ("apheresis", 300, 399, 200_000),
    ("apheresis", 400, 650, 250_000),
)


def create_rates(apps, schema_editor):
    BenefitRate = apps.get_model("donors", "BenefitRate")
    for group, low, high, amount in RATES:
        BenefitRate.objects.get_or_create(
            effective_from=datetime.date(2023, 9, 15), component_group=group, volume_min_ml=low,
            defaults={"volume_max_ml": high, "amount": amount, "citation": CITATION},
        )


class Migration(migrations.Migration):
    dependencies = [("donors", "0001_initial")]
    operations = [migrations.RunPython(create_rates, migrations.RunPython.noop)]
