"""Debts: what is overdue since when (items), penalties by the charter (penalties), and the
reconciliation statement (reconciliation). Pure arithmetic over loaded rows, plus loaders."""
