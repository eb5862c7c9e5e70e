"""Signals billing sends for other apps to act on, so billing need not import them."""

from django.dispatch import Signal

# After a readings file is committed from the admin. Arguments: batch (ImportBatch),
# notify_sms (bool: the treasurer ticked «Разослать SMS»).
readings_imported = Signal()

# After rows of the ledger were written in bulk (bulk_create/bulk_update send no model signals):
# the penalty accrual. Receivers forget what they showed from the ledger. No arguments.
ledger_changed = Signal()
