"""Billing services: writes with rules (accruals, imports) and pure electricity/ledger calculations."""
