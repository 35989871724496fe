from celery import shared_task

from .models import User
from .services import account_invite_send


@shared_task(
    name="lms.akun.tasks.account_invite_task",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def account_invite_task(user_ids: list[int]) -> int:
    """Send the set-password invitation to each still-passwordless user of `user_ids`."""
    sent = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True).select_related("employee"):
        if user.has_usable_password():
            continue
        account_invite_send(user=user)
        sent += 1
    return sent
