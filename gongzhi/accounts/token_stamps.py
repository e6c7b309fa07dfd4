"""When an API token was last used, written in batches instead of once per request.

A token's ``last_used_at`` is shown on the owner's token page; it needs to be right to
the minute, not per request. Writing it per request costs a statement and a commit on
the hot path of every API client (a first vote with a fresh token paid two commits: the
stamp and the vote). So:

* :func:`note_use` is called by the token check at most once a minute per token (a use
  less than ``API_TOKEN_STAMP_MIN_AGE`` seconds after the stored stamp changes nothing),
  and only remembers the time in this process;
* the remembered stamps are written together, one UPDATE for all of them, at most
  ``API_TOKEN_STAMP_SECONDS`` seconds later: by a timer thread of this process (its own
  database connection, closed after each write), or inline by the next request that
  finds them overdue, and at process exit;
* ``API_TOKEN_STAMP_SECONDS = 0`` writes each stamp at once, in the request (the old
  behaviour; the test settings' default).

A stamp only ever moves forward (``last_used_at`` is never set to an older time), so a
late batch of one process cannot undo a newer stamp of another. A process killed with
``kill -9`` loses at most the stamps of its last interval; nothing else depends on them.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import threading
import time

from django.conf import settings
from django.db import connections
from django.db.models import Case, F, When
from django.db.models.functions import Coalesce, Greatest

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_pending: dict[int, dt.datetime] = {}
_oldest: float | None = None  # monotonic time of the oldest stamp not yet written
_timer: threading.Timer | None = None
_timer_due = 0.0  # monotonic time the timer fires
CHUNK = 500


def stamp_interval() -> float:
    """Seconds a stamp may wait before it is written (0: at once)."""
    return max(0.0, float(getattr(settings, "API_TOKEN_STAMP_SECONDS", 10)))


def min_age() -> dt.timedelta:
    """A stored stamp younger than this is not renewed."""
    return dt.timedelta(seconds=float(getattr(settings, "API_TOKEN_STAMP_MIN_AGE", 60)))


def needs_stamp(last_used_at: dt.datetime | None, now: dt.datetime) -> bool:
    return last_used_at is None or now - last_used_at > min_age()


def note_use(token_id: int, now: dt.datetime) -> None:
    """Remember that the token was used at ``now``; written within the interval."""
    global _oldest
    interval = stamp_interval()
    if interval <= 0:
        _write({token_id: now})
        return
    with _lock:
        if token_id not in _pending or _pending[token_id] < now:
            _pending[token_id] = now
        if _oldest is None:
            _oldest = time.monotonic()
        overdue = time.monotonic() - _oldest >= interval
        if not overdue:
            _schedule(interval)
    if overdue:  # the timer did not run (or could not write): this request does it
        flush()


def pending_count() -> int:
    with _lock:
        return len(_pending)


def flush() -> int:
    """Write every remembered stamp now; returns how many tokens were stamped."""
    global _oldest
    with _lock:
        stamps = dict(_pending)
        _pending.clear()
        _oldest = None
    if not stamps:
        return 0
    try:
        return _write(stamps)
    except Exception:
        with _lock:  # keep them for the next try (newer stamps of the meantime win)
            for token_id, at in stamps.items():
                if token_id not in _pending or _pending[token_id] < at:
                    _pending[token_id] = at
            if _oldest is None:
                _oldest = time.monotonic()
        raise


def _write(stamps: dict[int, dt.datetime]) -> int:
    from gongzhi.accounts.models import ApiToken

    done = 0
    items = sorted(stamps.items())
    for i in range(0, len(items), CHUNK):
        chunk = items[i:i + CHUNK]
        value = Case(*[When(pk=pk, then=at) for pk, at in chunk])
        # only forward: a stamp written meanwhile by another process may be newer
        done += ApiToken.objects.filter(pk__in=[pk for pk, _at in chunk]).update(
            last_used_at=Greatest(Coalesce(F("last_used_at"), value), value))
    return done


def _schedule(interval: float) -> None:
    """Start the timer that writes the stamps, unless one fires soon enough (caller holds
    the lock)."""
    global _timer, _timer_due
    due = time.monotonic() + interval
    if _timer is not None and _timer.is_alive():
        if _timer_due <= due:
            return
        _timer.cancel()  # the interval was shortened: a timer of the old one is too late
    _timer_due = due
    _timer = threading.Timer(interval, _flush_in_timer)
    _timer.daemon = True
    _timer.name = "gongzhi-token-stamps"
    _timer.start()


def _flush_in_timer() -> None:
    global _timer
    try:
        flush()
    except Exception:  # noqa: BLE001 - the next request retries; never kill the worker
        logger.exception("could not write API token last-use stamps")
    finally:
        connections.close_all()  # this thread's connections only
        with _lock:
            if _timer is threading.current_thread():
                _timer = None
            if _pending:
                _schedule(stamp_interval())


@atexit.register
def _flush_at_exit() -> None:
    try:
        flush()
    except Exception:  # noqa: BLE001 - the database may be gone already
        logger.warning("API token last-use stamps not written at exit", exc_info=True)
