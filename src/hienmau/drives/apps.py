from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrivesConfig(AppConfig):
    name = "hienmau.drives"
    label = "drives"
    verbose_name = _("Đợt hiến máu")

    def ready(self) -> None:
        from hienmau.donors.models import TransferRequest
        from hienmau.donors.registry import transfer_approved

        def attach(sender, transfer, user=None, **kwargs):
            from hienmau.drives.services import attach_waiting_registrations

            attach_waiting_registrations(transfer, user)

        transfer_approved.connect(
            attach, sender=TransferRequest, weak=False, dispatch_uid="drives.attach_waiting_registrations"
        )

        from hienmau.drives import background, erasure

        background.register()
        erasure.register()
