"""Benchmarks (`make bench`): each measures against a floor taken in the same run, so the ratios
hold on a slow or a busy machine. `targets.assert_met()` prints every ratio beside its target, then fails on a miss."""

import pytest


class Targets:
    def __init__(self):
        self.lines: list[tuple[str, float, float, str]] = []

    def check(self, label: str, value: float, target: float, unit: str = "×") -> None:
        self.lines.append((label, value, target, unit))

    def assert_met(self) -> None:
        """Print every ratio beside its target, then fail if any missed."""
        print()
        misses = []
        for label, value, target, unit in self.lines:
            verdict = "ok" if value <= target else "MISSED"
            print(f"  {label:<52} {value:10.2f}{unit}  target ≤ {target:g}{unit}  {verdict}")
            if value > target:
                misses.append(f"{label}: {value:.2f}{unit} > {target:g}{unit}")
        assert not misses, "; ".join(misses)


@pytest.fixture
def targets() -> Targets:
    return Targets()
