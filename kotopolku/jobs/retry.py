"""Retry with backoff for tasks whose effect is idempotent (sending a mail that records itself
as sent, re-running a check). Use below `@task`:

    @task()
    @retrying(retry_on=(OSError, smtplib.SMTPException))
    def send_mail_task(outbox_id: int) -> None: ...

A failed attempt is re-queued with `run_after` (30 s, 1 min, 2 min, … by default) and then
raises, so the failed attempt is still visible to administrators under failed tasks.
"""

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def backoff_seconds(attempt: int, base: int) -> int:
    return int(base * 2 ** (attempt - 1))


def retrying(
    *, retry_on: tuple[type[BaseException], ...], max_attempts: int = 5, base_seconds: int = 30
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(func)
        def wrapper(*args: Any, attempt: int = 1, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except retry_on:
                task = import_string(f"{func.__module__}.{func.__name__}")
                if attempt < max_attempts and task.get_backend().supports_defer:
                    later = timezone.now() + timedelta(
                        seconds=backoff_seconds(attempt, base_seconds)
                    )
                    task.using(run_after=later).enqueue(*args, attempt=attempt + 1, **kwargs)
                elif attempt < max_attempts:
                    logger.warning("%s: the task backend cannot run it later; no retry", func)
                raise

        wrapper.retry_policy = (retry_on, max_attempts)  # type: ignore[attr-defined]
        return wrapper

    return decorator


def will_retry(func: Any, exception_path: str, attempt: int) -> bool:
    policy = getattr(func, "retry_policy", None)
    if policy is None or not exception_path:
        return False
    retry_on, max_attempts = policy
    try:
        exception_class = import_string(exception_path)
    except ImportError:
        return False
    return attempt < max_attempts and issubclass(exception_class, retry_on)
