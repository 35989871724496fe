"""Single sign-on through one OpenID Connect provider (allauth's openid_connect provider).

The rules, in one place:
- Who may sign in: an existing, active account only, found by the NIP claim, else by an email
  address the provider says is verified that is a verified address of the account in the LMS
  too. When the two claims name different accounts, nobody. Nothing is ever created
  (sso_account_match).
- MFA: someone with TOTP still enters their code after SSO unless the ID token asserts MFA
  (`amr` or `acr`, LMS_OIDC_MFA_AMR / LMS_OIDC_MFA_ACR). A session whose SSO asserted MFA is
  marked, so that staff without TOTP are not sent to set it up (RequireStaffMFAMiddleware).

The employee records (NIP, active flag) belong to lms.organisasi, above this app: it registers
its lookups here (register_person_directory) in its AppConfig.ready()."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from allauth.mfa.stages import AuthenticateStage as AllauthAuthenticateStage
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from .models import User

SESSION_MFA_KEY = "lms_sso_mfa_user"


class PersonRecord(Protocol):
    """What SSO needs of the person behind an account (organisasi's Employee fits)."""

    user_id: int
    nip: str | None
    is_active: bool


PersonByNip = Callable[[str], PersonRecord | None]
PersonOfUser = Callable[[int], PersonRecord | None]
_directory: dict[str, Callable] = {}


def register_person_directory(*, by_nip: PersonByNip, of_user: PersonOfUser) -> None:
    """Let SSO find people: `by_nip(nip)` is the person holding that NIP, `of_user(user_id)`
    the person behind an account (None when there is none). A higher app calls this in its
    AppConfig.ready(); without it SSO matches by verified email only."""
    _directory["by_nip"] = by_nip
    _directory["of_user"] = of_user


@dataclass(frozen=True)
class SsoOption:
    """The SSO button of the login page."""

    name: str
    login_url: str


def sso_login_option() -> SsoOption | None:
    """The configured provider, or None when SSO is off (no issuer). Read from the settings
    alone: the login page asks no query for it."""
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS") or []
    if not apps:
        return None
    app = apps[0]
    url = reverse("openid_connect_login", kwargs={"provider_id": app["provider_id"]})
    return SsoOption(name=app.get("name") or "SSO", login_url=url)


@dataclass(frozen=True)
class SsoIdentity:
    """The claims SSO decides on. `amr` and `acr` come from the ID token only (OpenID Connect
    Core puts them there); the others from userinfo, else the ID token."""

    sub: str
    email: str
    email_verified: bool
    nip: str
    amr: tuple[str, ...]
    acr: str
    # False when userinfo names another subject than the ID token (OIDC Core 5.3.2).
    consistent: bool


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _is_true(value) -> bool:
    # Some providers send the boolean as a string.
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def sso_identity(sociallogin) -> SsoIdentity | None:
    """The identity in a social login through our provider; None for any other provider."""
    account = sociallogin.account
    if account.provider != settings.LMS_OIDC_PROVIDER_ID:
        return None
    data = account.extra_data or {}
    id_token = data.get("id_token") or {}
    userinfo = data.get("userinfo") or {}
    # The email and its verified flag are read together, from one source.
    email_source = userinfo if _text(userinfo.get("email")) else id_token
    nip_claim = settings.LMS_OIDC_NIP_CLAIM
    nip = _text(userinfo.get(nip_claim)) or _text(id_token.get(nip_claim))
    amr = id_token.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    id_sub, info_sub = _text(id_token.get("sub")), _text(userinfo.get("sub"))
    return SsoIdentity(
        sub=id_sub or info_sub,
        email=_text(email_source.get("email")),
        email_verified=_is_true(email_source.get("email_verified")),
        # NIPs are often written in groups ("19850312 201003 1 001").
        nip="".join(nip.split()),
        amr=tuple(value for value in amr if isinstance(value, str)),
        acr=_text(id_token.get("acr")),
        consistent=not (id_sub and info_sub and id_sub != info_sub),
    )


def sso_asserts_mfa(identity: SsoIdentity | None) -> bool:
    """Whether the ID token says the person used more than one factor at the provider."""
    if identity is None:
        return False
    if set(identity.amr) & set(settings.LMS_OIDC_MFA_AMR):
        return True
    return bool(identity.acr) and identity.acr in settings.LMS_OIDC_MFA_ACR


class Refusal(enum.StrEnum):
    """Why an SSO login is refused (the reason logged)."""

    UNKNOWN = "unknown"  # no account matches
    INACTIVE = "inactive"  # the account or its employee is inactive
    # The NIP claim and the verified email name different accounts, or (connecting SSO on the
    # connections page) the SSO account is someone else's.
    OTHER_PERSON = "other_person"
    INVALID = "invalid"  # no subject, or userinfo about another subject than the ID token


@dataclass(frozen=True)
class SsoMatch:
    user: User | None
    refusal: Refusal | None = None


def _users_by_verified_email(email: str) -> list[User]:
    """Up to two accounts holding `email` (in any case) as a verified address of allauth's.
    The login address alone (User.email) does not count: while unverified, it may be an admin's
    typo, or an address someone signed up with that is not theirs."""
    return list(
        User.objects.filter(
            emailaddress__email__iexact=email, emailaddress__verified=True
        ).distinct()[:2]
    )


def sso_account_match(identity: SsoIdentity) -> SsoMatch:
    """The existing account `identity` belongs to, or why there is none to sign in.

    The NIP claim decides when it names an employee, unless a verified email of the identity
    is a verified address of another account. Otherwise that verified email may decide, unless
    the account it finds belongs to an employee with another NIP on record. When the two claims
    name different people, the two systems disagree about who this is: refused, nothing
    linked."""
    by_nip, of_user = _directory.get("by_nip"), _directory.get("of_user")
    email_users: list[User] = []
    if identity.email and identity.email_verified:
        email_users = _users_by_verified_email(identity.email)
    user = None
    if identity.nip and by_nip is not None:
        person = by_nip(identity.nip)
        if person is not None:
            user = User.objects.filter(pk=person.user_id).first()
    if user is not None:
        if any(other.pk != user.pk for other in email_users):
            return SsoMatch(user=None, refusal=Refusal.OTHER_PERSON)
    elif len(email_users) == 1:
        user = email_users[0]
        person = of_user(user.pk) if of_user is not None else None
        if identity.nip and person is not None and person.nip and person.nip != identity.nip:
            return SsoMatch(user=None, refusal=Refusal.OTHER_PERSON)
    if user is None:
        return SsoMatch(user=None, refusal=Refusal.UNKNOWN)
    person = of_user(user.pk) if of_user is not None else None
    if not user.is_active or (person is not None and not person.is_active):
        return SsoMatch(user=None, refusal=Refusal.INACTIVE)
    return SsoMatch(user=user)


@transaction.atomic
def sso_account_link(*, request, sociallogin, user: User) -> None:
    """Point `sociallogin` (and its stored link, allauth's SocialAccount) at `user`: a first
    login records the link; a later one follows the LMS's records if they now name another
    account."""
    if sociallogin.is_existing:
        account = sociallogin.account
        if account.user_id != user.pk:
            SocialAccount.objects.filter(pk=account.pk).update(user=user)
            account.user = user
        sociallogin.user = user
    else:
        sociallogin.connect(request, user)


def sso_session_record(request, *, user, sociallogin=None) -> None:
    """At every sign-in: mark the session when it came through SSO that asserted MFA, and
    clear the mark otherwise (logout flushes the session anyway)."""
    if sociallogin is not None and sso_asserts_mfa(sso_identity(sociallogin)):
        request.session[SESSION_MFA_KEY] = str(user.pk)
    else:
        request.session.pop(SESSION_MFA_KEY, None)


def sso_session_asserted_mfa(request, user) -> bool:
    session = getattr(request, "session", None)
    return session is not None and session.get(SESSION_MFA_KEY) == str(user.pk)


class AuthenticateStage(AllauthAuthenticateStage):
    """allauth's MFA step of a login (same key, so its views find it), skipped when the login
    came through SSO whose ID token asserts MFA. AccountAdapter.get_login_stages puts it in
    place of allauth's."""

    def _should_handle(self, request) -> bool:
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if sociallogin is not None and sso_asserts_mfa(sso_identity(sociallogin)):
            return False
        return super()._should_handle(request)
