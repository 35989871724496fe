"""SSO is configured from the environment alone: what the settings make of it."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = (
    "import json, lms.settings.test as s; print(json.dumps({"
    "'providers': s.SOCIALACCOUNT_PROVIDERS,"
    "'form_action': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'],"
    "'amr': s.LMS_OIDC_MFA_AMR, 'acr': s.LMS_OIDC_MFA_ACR, 'nip': s.LMS_OIDC_NIP_CLAIM}))"
)


def _settings(**variables) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_OIDC_")}
    env.update(variables)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_without_an_issuer_sso_is_off():
    result = _settings()

    data = json.loads(result.stdout)
    assert data["providers"] == {"openid_connect": {"APPS": []}}
    assert data["form_action"] == ["'self'"]
    # Only "mfa" asserts several factors (RFC 8176); "otp", "hwk", "swk" name one method each.
    assert data["amr"] == ["mfa"]
    assert data["acr"] == []
    assert data["nip"] == "nip"


def test_the_environment_configures_one_app_with_pkce():
    result = _settings(
        LMS_OIDC_ISSUER="https://sso.bawaslu.go.id/realms/bawaslu",
        LMS_OIDC_CLIENT_ID="lms",
        # A secret starting with "$" is taken as it is, not as a reference to a variable.
        LMS_OIDC_CLIENT_SECRET="$ecret-value",
        LMS_OIDC_NAME="SSO Bawaslu",
        LMS_OIDC_MFA_AMR="mfa,hwk",
        LMS_OIDC_MFA_ACR="urn:bawaslu:loa:2,urn:bawaslu:loa:3",
    )

    data = json.loads(result.stdout)
    (app,) = data["providers"]["openid_connect"]["APPS"]
    assert app["provider_id"] == "sso"
    assert app["name"] == "SSO Bawaslu"
    assert app["client_id"] == "lms"
    assert app["secret"] == "$ecret-value"
    assert app["settings"]["server_url"] == "https://sso.bawaslu.go.id/realms/bawaslu"
    assert app["settings"]["oauth_pkce_enabled"] is True
    assert data["form_action"] == ["'self'", "https://sso.bawaslu.go.id"]
    assert data["amr"] == ["mfa", "hwk"]
    assert data["acr"] == ["urn:bawaslu:loa:2", "urn:bawaslu:loa:3"]


def test_an_issuer_without_a_client_id_stops_the_start():
    result = _settings(LMS_OIDC_ISSUER="https://sso.bawaslu.go.id")

    assert result.returncode != 0
    assert "LMS_OIDC_CLIENT_ID is required" in result.stderr
