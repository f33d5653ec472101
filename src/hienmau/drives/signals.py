"""Signals the drives app sends so later apps (results) can follow what is recorded, without drives
importing them: data flows plans → drives → results → reports."""

from django.dispatch import Signal

# Sent inside the recording transaction whenever a drive's registrations, check-in outcomes or result
# sheet change. Arguments: drive (the Drive).
results_changed = Signal()
