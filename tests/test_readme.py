"""The README is the front door of a clone: what it links must be in the clone."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_links_only_files_of_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme
    links = re.findall(r"\]\(([^)#]+)\)", readme)
    local = [link for link in links if not link.startswith(("http://", "https://", "mailto:"))]
    assert "docs/README.md" in local
    assert [link for link in local if not (ROOT / link).exists()] == []
    for doc in ("architecture.md", "treasurer.md", "board.md"):
        assert f"docs/{doc}" in local
