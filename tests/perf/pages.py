"""Timing pages against each other in one run: the benches' floor and the page under test."""

import statistics
import time
from http import HTTPStatus


def medians_ms(client, urls: list[str], rounds: int = 21) -> list[float]:
    """The median milliseconds of each URL. Requests are taken in turns, so a busy moment of the machine
    hits every page alike; three warm-up rounds first."""
    for url in urls * 3:
        assert client.get(url).status_code == HTTPStatus.OK, url
    times: list[list[float]] = [[] for _ in urls]
    for _ in range(rounds):
        for index, url in enumerate(urls):
            started = time.perf_counter()
            response = client.get(url)
            times[index].append(time.perf_counter() - started)
            assert response.status_code == HTTPStatus.OK
    return [statistics.median(t) * 1000 for t in times]
