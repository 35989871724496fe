"""The signed-in user and their roles come from the cache, and every change shows at once."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.akun.backends import ModelBackend
from lms.akun.models import User
from lms.akun.roles import PESERTA, SUPERVISOR, user_role_names
from lms.akun.user_cache import user_cache_forget, user_cached_get

pytestmark = pytest.mark.django_db


def _get(user_id):
    return ModelBackend().get_user(user_id)


def test_second_request_reads_user_and_roles_without_queries(learner):
    first = _get(learner.pk)
    assert user_role_names(first) == {PESERTA}
    with CaptureQueriesContext(connection) as queries:
        again = _get(learner.pk)
        roles = user_role_names(again)
    assert len(queries) == 0
    assert again.pk == learner.pk and roles == {PESERTA}


def test_deactivated_user_is_refused_at_once(learner):
    assert _get(learner.pk) is not None
    learner.is_active = False
    learner.save()
    assert _get(learner.pk) is None


def test_renamed_user_shows_the_new_name(learner):
    _get(learner.pk)
    User.objects.filter(pk=learner.pk).update(first_name="Nama Baru")  # no signal
    assert _get(learner.pk).first_name != "Nama Baru"  # still the cached entry...
    user_cache_forget([learner.pk])  # ...until the bulk change says so
    assert _get(learner.pk).first_name == "Nama Baru"


def test_role_given_or_taken_shows_at_once(learner):
    assert SUPERVISOR not in user_role_names(_get(learner.pk))
    supervisors = Group.objects.get(name=SUPERVISOR)
    learner.groups.add(supervisors)
    assert SUPERVISOR in user_role_names(_get(learner.pk))
    supervisors.user_set.remove(learner)  # the reverse side of the relation
    assert SUPERVISOR not in user_role_names(_get(learner.pk))
    supervisors.user_set.add(learner)
    assert SUPERVISOR in user_role_names(_get(learner.pk))
    supervisors.user_set.clear()  # which users is not told: everyone is forgotten
    assert SUPERVISOR not in user_role_names(_get(learner.pk))


def test_renamed_group_forgets_everyone(learner):
    _get(learner.pk)
    group = Group.objects.get(name=PESERTA)
    group.name = "Peserta Baru"
    group.save()
    assert user_role_names(_get(learner.pk)) == {"Peserta Baru"}


def test_entry_stored_after_an_invalidation_is_ignored(learner):
    """A request that loaded the row before a change must not leave it in the cache."""

    def slow_load(user_id):
        user = User.objects.get(pk=user_id)
        # While this request holds the old row, someone deactivates the user.
        User.objects.filter(pk=user_id).update(is_active=False)
        user_cache_forget([user_id])
        return user

    stale = user_cached_get(learner.pk, slow_load)
    assert stale.is_active  # this request saw the old row...
    assert _get(learner.pk) is None  # ...but the next one does not


def test_deleted_user_is_gone(learner):
    _get(learner.pk)
    pk = learner.pk
    learner.delete()
    assert _get(pk) is None


def test_login_and_page_with_the_cached_backend(client, learner):
    client.force_login(learner)
    assert client.get("/dasbor/").status_code == 200
    learner.is_active = False
    learner.save()
    assert client.get("/dasbor/").status_code == 302  # signed out at once
