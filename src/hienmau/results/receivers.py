"""Follow the drives app: every change to what a drive recorded refreshes its figures (same transaction)."""

from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from hienmau.drives.models import Drive
from hienmau.drives.signals import results_changed
from hienmau.results import services


@receiver(results_changed)
def drive_results_changed(sender, drive, **kwargs):
    services.refresh_drive(drive)


@receiver(post_save, sender=Drive)
def drive_saved(sender, instance, created, raw=False, **kwargs):
    # A new date or organiser moves the drive's figures; a new drive has none yet.
    if not created and not raw:
        services.refresh_drive(instance)


@receiver(pre_delete, sender=Drive)
def drive_deleted(sender, instance, **kwargs):
    services.forget_drive(instance)
