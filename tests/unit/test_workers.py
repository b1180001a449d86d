"""Many jobs on every core (jwtool.catalogue.workers): each job runs once, in worker processes when
there are enough of them, its results come in order, and a job's error or a worker's death ends the
run with an error."""

from __future__ import annotations

import os
import time

import pytest

from jwtool.catalogue import workers
from jwtool.labels import Message


@pytest.fixture
def two_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JWTOOL_JOBS", "2")
    monkeypatch.setattr(workers, "MIN_JOBS", 1)


@pytest.mark.parametrize("ahead", [None, 1])
def test_every_job_runs_once_in_a_worker_and_its_result_comes_in_order(two_workers: None, ahead: int | None) -> None:
    def job(i: int) -> tuple[int, int]:
        time.sleep(0.005)  # long enough that both workers get batches
        return i, os.getpid()

    results = list(workers.in_order(120, job, ahead))
    assert [i for i, _ in results] == list(range(120))
    pids = {pid for _, pid in results}
    assert os.getpid() not in pids and len(pids) == 2


def test_one_worker_or_few_jobs_run_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JWTOOL_JOBS", "1")
    assert set(workers.in_order(300, lambda i: os.getpid())) == {os.getpid()}
    monkeypatch.setenv("JWTOOL_JOBS", "2")
    assert set(workers.in_order(workers.MIN_JOBS - 1, lambda i: os.getpid())) == {os.getpid()}


def test_a_jobs_error_comes_back_as_itself(two_workers: None) -> None:
    def job(i: int) -> int:
        if i == 77:
            raise ValueError(Message("error.output.outside_site", name="../x"))
        return i

    with pytest.raises(ValueError) as caught:
        list(workers.in_order(100, job))
    assert isinstance(caught.value.args[0], Message) and caught.value.args[0].key == "error.output.outside_site"


def test_a_worker_that_dies_is_an_error_not_a_hang(two_workers: None) -> None:
    def job(i: int) -> int:
        if i == 30:
            os._exit(9)
        return i

    with pytest.raises(OSError) as caught:
        list(workers.in_order(100, job))
    assert caught.value.strerror.key == "error.workers.lost"


def test_the_collector_is_left_as_it_was(two_workers: None) -> None:
    import gc

    assert gc.get_freeze_count() == 0
    assert sum(workers.in_order(100, lambda i: i)) == sum(range(100))
    assert gc.get_freeze_count() == 0


class TwoArguments(Exception):
    def __init__(self, rule: str, message: str) -> None:  # pickle rebuilds it from args alone, and fails
        super().__init__(message)
        self.rule = rule


def test_an_error_that_does_not_pickle_comes_back_named_not_as_a_lost_worker(two_workers: None) -> None:
    def job(i: int) -> int:
        if i == 50:
            raise TwoArguments("rule", "what went wrong")
        return i

    with pytest.raises(RuntimeError, match="TwoArguments: what went wrong"):
        list(workers.in_order(100, job))


def test_workers_are_the_cpus_at_most_eight_unless_jwtool_jobs_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JWTOOL_JOBS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)))
    assert workers.workers() == workers.MAX_WORKERS == 8
    for value, expected in (("3", 3), ("0", 8), ("veel", 8)):
        monkeypatch.setenv("JWTOOL_JOBS", value)
        assert workers.workers() == expected
