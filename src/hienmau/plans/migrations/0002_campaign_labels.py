from django.db import migrations

LABELS = ("Chủ nhật Đỏ", "Lễ hội Xuân Hồng", "Những giọt máu hồng – hè", "Hành trình Đỏ")


def create_labels(apps, schema_editor):
    CampaignLabel = apps.get_model("plans", "CampaignLabel")
    for name in LABELS:
        CampaignLabel.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(create_labels, migrations.RunPython.noop)]
