"""Signals the donors app sends so later apps (results) can follow visits written in bulk, which Django's
model signals do not see, without donors importing them."""

from django.dispatch import Signal

# Sent inside the writing transaction after record_imported wrote visits in bulk. Arguments: groups
# (a set of (facility id or None, date)): the facilities and days the new visits belong to.
visits_recorded = Signal()
