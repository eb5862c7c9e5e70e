"""Money from the bank: reading statements and matching their documents to plots and articles."""
