"""Follow the drives and donors apps: every change to what a drive recorded refreshes its figures, and
every visit given outside a drive refreshes its facility's walk-ins of that day (same transaction)."""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from hienmau.donors.models import Donation
from hienmau.donors.signals import visits_recorded
from hienmau.drives.models import Drive
from hienmau.drives.signals import results_changed
from hienmau.results import services


@receiver(results_changed)
def drive_results_changed(sender, drive, **kwargs):
    services.refresh_drive(drive)


def _previous(model, instance) -> tuple | None:
    if instance.pk is None:
        return None
    return model.objects.filter(pk=instance.pk).values_list("facility_id", "date").first()


@receiver(pre_save, sender=Drive)
def drive_saving(sender, instance, raw=False, **kwargs):
    instance._results_previous = None if raw else _previous(Drive, instance)


@receiver(post_save, sender=Drive)
def drive_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    # A new date or organiser moves the drive's figures; a new drive has none yet. A drive held by a
    # facility takes over that facility's drive-less visits of the day (and gives them back when moved).
    if not created:
        services.refresh_drive(instance)
    groups = {(instance.facility_id, instance.date)}
    previous = getattr(instance, "_results_previous", None)
    if previous is not None:
        groups.add(previous)
    services.refresh_walk_ins({group for group in groups if group[0] is not None})


@receiver(pre_delete, sender=Drive)
def drive_deleted(sender, instance, **kwargs):
    services.forget_drive(instance)


@receiver(post_delete, sender=Drive)
def drive_gone(sender, instance, **kwargs):
    if instance.facility_id is not None:
        services.refresh_walk_ins({(instance.facility_id, instance.date)})


@receiver(pre_save, sender=Donation)
def visit_saving(sender, instance, raw=False, **kwargs):
    instance._results_previous = None if raw else _previous(Donation, instance)


@receiver(post_save, sender=Donation)
def visit_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    groups = {(instance.facility_id, instance.date)}
    previous = getattr(instance, "_results_previous", None)
    if previous is not None:
        groups.add(previous)
    services.refresh_walk_ins(groups)


@receiver(post_delete, sender=Donation)
def visit_deleted(sender, instance, **kwargs):
    services.refresh_walk_ins({(instance.facility_id, instance.date)})


@receiver(visits_recorded)
def visits_written_in_bulk(sender, groups, **kwargs):
    services.refresh_walk_ins(groups)
