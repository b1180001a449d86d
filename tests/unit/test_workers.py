"""Many jobs on every core (jwtool.catalogue.workers): each job runs once, in worker processes when
there are enough of them, and a job's error or a worker's death ends the run with an error."""

from __future__ import annotations

import os
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from jwtool.catalogue import workers
from jwtool.labels import Message


@pytest.fixture
def two_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JWTOOL_JOBS", "2")
    monkeypatch.setattr(workers, "MIN_JOBS", 1)


def test_every_job_runs_once_in_a_worker_and_is_reported_done(two_workers: None, tmp_path: Path) -> None:
    def job(i: int) -> None:
        with open(tmp_path / str(i), "x", encoding="utf-8") as fh:  # "x": a job run twice fails
            fh.write(str(os.getpid()))

    done = list(workers.run_each(120, job))
    assert sorted(done) == list(range(120))
    pids = {(tmp_path / str(i)).read_text(encoding="utf-8") for i in range(120)}
    assert str(os.getpid()) not in pids and len(pids) == 2


def test_one_worker_or_few_jobs_run_here(monkeypatch: pytest.MonkeyPatch) -> None:
    pids: list[int] = []
    monkeypatch.setenv("JWTOOL_JOBS", "1")
    assert list(workers.run_each(300, lambda i: pids.append(os.getpid()))) == list(range(300))
    monkeypatch.setenv("JWTOOL_JOBS", "2")
    assert list(workers.run_each(5, lambda i: pids.append(os.getpid()))) == list(range(5))
    assert set(pids) == {os.getpid()}


def test_a_jobs_error_comes_back_as_itself(two_workers: None) -> None:
    def job(i: int) -> None:
        if i == 77:
            raise ValueError(Message("error.output.outside_site", name="../x"))

    with pytest.raises(ValueError) as caught:
        list(workers.run_each(100, job))
    assert isinstance(caught.value.args[0], Message) and caught.value.args[0].key == "error.output.outside_site"


def test_a_worker_that_dies_is_an_error_not_a_hang(two_workers: None) -> None:
    def job(i: int) -> None:
        if i == 30:
            os._exit(9)

    with pytest.raises(BrokenProcessPool):
        list(workers.run_each(100, job))
