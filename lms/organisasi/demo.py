"""Demo people for `manage.py seed_demo`: fictional accounts for each role in a few units."""

import json
from pathlib import Path

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from lms.akun.models import User
from lms.akun.roles import user_requires_mfa

from .models import Employee, OrgUnit

PEOPLE_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo" / "people.json"
# Demo-only credentials, printed by seed_demo and listed in the README. Never use in production.
DEMO_PASSWORD = "Demo-LMS-2026"  # noqa: S105
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPLMSBAWASLUDEMO23"  # noqa: S105


@transaction.atomic
def demo_people_seed() -> list[dict]:
    """Create the demo accounts that do not exist yet; existing ones are left as they are."""
    data = json.loads(PEOPLE_FILE.read_text(encoding="utf-8"))["people"]
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={p["unit"] for p in data})}
    groups = {g.name: g for g in Group.objects.all()}
    seeded = []
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: hashing is deliberately slow
    for person in data:
        user = User.objects.filter(email=person["email"]).first()
        created = user is None
        if created:
            user = User.objects.create(
                email=person["email"],
                password=password_hash,
                first_name=person["full_name"][:150],
                is_superuser=person["superuser"],
                is_staff=person["superuser"],
            )
            user.groups.set([groups[name] for name in person["roles"]])
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            Employee.objects.create(
                user=user,
                full_name=person["full_name"],
                nip=person["nip"],
                employment_type=person["employment_type"],
                position=person["position"],
                unit=units[person["unit"]],
            )
            if user_requires_mfa(user) and not Authenticator.objects.filter(user=user).exists():
                TOTP.activate(user, DEMO_TOTP_SECRET)
        seeded.append(
            {
                "email": user.email,
                "roles": ", ".join(person["roles"]),
                "unit": units[person["unit"]].name,
                "created": created,
            }
        )
    return seeded
