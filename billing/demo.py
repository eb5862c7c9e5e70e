"""Demo registry, tariffs, readings, charges and payments, loaded through the import services."""


def load_demo() -> None:
    """Load the demo billing data; running it twice changes nothing."""
