from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.template_utils import HistoricalRecordContextHelper

from hienmau.core.lib.text import fold


class FoldedSearchMixin:
    """Admin search over folded name columns ("dak lak" finds "Đắk Lắk"): fold the query the same way."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))


class MaskedHistoryContextHelper(HistoricalRecordContextHelper):
    """History diffs in the admin show the model's `masked_fields` masked, as the app's pages do."""

    def prepare_delta_change_value(self, change, value):
        mask = getattr(self.model, "masked_fields", {}).get(change.field)
        if mask is not None and value not in (None, ""):
            return mask(str(value))
        return super().prepare_delta_change_value(change, value)


class MaskedHistoryMixin:
    """For a SimpleHistoryAdmin of a model with `masked_fields`."""

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedHistoryContextHelper(self.model, historical_record)


# The second factor is managed on the account pages (enrolment confirmed by a code, an administrator's reset
# written to the user's history), and recovery codes are shown once; django-otp's own device admins would
# bypass all three.
admin.site.unregister([TOTPDevice, StaticDevice])
