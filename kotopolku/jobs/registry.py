"""What kinds of job exist and how each runs. Domain apps register runners in their `jobs.py`.

A runner is `runner(job, progress) -> JobFile | dict`: a file to offer for download, or a
summary (counts, errors) to show on the job page. It reads `job.params` (plain JSON: ids,
languages, formats; never an identity code) and calls the same selectors and renderers as the
direct views. `progress(percent, step)` moves the bar. A `JobRefused` carries a message for the
user (bad input); any other exception is a fault, shown as a general error and logged.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class JobFile:
    content: bytes
    filename: str
    content_type: str


class JobRefused(Exception):
    """The input cannot be processed; the message is shown to the user as it is."""


Progress = Callable[[int, Any], None]
Runner = Callable[[Any, Progress], "JobFile | dict[str, Any]"]


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str | Promise
    runner: Runner


KINDS: dict[str, JobKind] = {}


def job_runner(name: str, *, label: str | Promise) -> Callable[[Runner], Runner]:
    """Register `runner` for job kind `name` (called at import of `<app>/jobs.py`)."""

    def decorator(runner: Runner) -> Runner:
        KINDS[name] = JobKind(name=name, label=label, runner=runner)
        return runner

    return decorator


def kind(name: str) -> JobKind:
    return KINDS[name]
