"""Authentication backends whose `get_user` (run on every request) reads the user cache."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .user_cache import user_cached_get


class CachedUserMixin:
    def get_user(self, user_id):
        user = user_cached_get(user_id, self._load_user)
        return user if user is not None and self.user_can_authenticate(user) else None

    def _load_user(self, user_id):
        return super().get_user(user_id)


class ModelBackend(CachedUserMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(CachedUserMixin, AllauthBackend):
    pass
