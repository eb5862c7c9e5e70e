"""The reconciliation statement (акт сверки) as a document: the partnership's name, requisites and
board from its settings around billing's numbers (billing.services.debts.reconciliation), as PDF;
the treasurer's admin pages and the board's batch of акты in a django-q2 task."""
