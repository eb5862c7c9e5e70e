"""Signals billing sends for other apps to act on, so billing need not import them."""

from django.dispatch import Signal

# After a readings file is committed from the admin. Arguments: batch (ImportBatch),
# notify_sms (bool: the treasurer ticked «Разослать SMS»).
readings_imported = Signal()
