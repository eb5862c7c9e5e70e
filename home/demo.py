"""Demo content of the public site: settings and the page tree."""


def load_demo() -> None:
    """Create or update the demo pages and settings; running it twice changes nothing."""
