"""Real transactions on their own connections, in threads: several started at once, or one
waiting for the other's row lock. What the tests of double clicks, two tabs and a save racing
a submit are made of."""

import threading

from django.db import connection, transaction


def run_while_locked(*, lock, then, waiter) -> None:
    """In one thread, inside a transaction, `lock()` takes a row lock; `waiter()` then runs in
    another thread and must be seen waiting for it; `then()` finishes the first transaction,
    which commits and lets the waiter go on. An exception in either thread is raised here."""
    locked, release = threading.Event(), threading.Event()
    errors = []

    def in_thread(work):
        def run():
            try:
                work()
            except Exception as exc:  # pragma: no cover - raised below
                errors.append(exc)
            finally:
                connection.close()

        return threading.Thread(target=run)

    def holding():
        with transaction.atomic():
            lock()
            locked.set()
            release.wait(10)
            then()

    holder = in_thread(holding)
    holder.start()
    assert locked.wait(10)
    waiting = in_thread(waiter)
    waiting.start()
    waiting.join(0.5)
    assert waiting.is_alive()  # waiting for the lock
    release.set()
    holder.join(10)
    waiting.join(10)
    if errors:
        raise errors[0]


def run_at_once(target, args_list) -> None:
    """`target(*args)` for each of `args_list`, each in a thread with its own connection, all
    let go at the same moment. An exception in any of them fails the test."""
    errors = []
    barrier = threading.Barrier(len(args_list))

    def run(*args):
        try:
            barrier.wait(timeout=10)
            target(*args)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=args) for args in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
