"""Reminders to debtors (issue 13): who owes more than the threshold and consented gets an SMS
through the outbox and/or an email, at most once per plot and channel per round; the board sees
each round's log."""
