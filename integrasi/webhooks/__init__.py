"""Signed webhooks: receivers registered by Admin LMS are told of course completions,
certificates issued and revoked, and employee changes in their unit subtree. The event and
its deliveries are written in the transaction of what happened (the outbox); a worker sends
each, signed (`signing.py`), and retries with backoff for a day (`delivery.py`)."""
