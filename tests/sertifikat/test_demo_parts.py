"""Before certificates go out for real: the template admin and `check --deploy` say what is
still the demo's (its fictional signatory, the app's own shield, the demo signing key)."""

import datetime
import io

import pytest
from django.core import checks
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from sertifikat.checks import certificate_demo_parts_check
from sertifikat.models import CertificateTemplate

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/snippets/sertifikat/certificatetemplate/"
PASSPHRASE = "kunci-resmi-uji"


def edit_url(template) -> str:
    return f"{LIST_URL}edit/{template.pk}/"


@pytest.fixture(scope="module")
def authority_key_file(tmp_path_factory):
    """A PKCS#12 whose certificate a certificate authority issued (not self-signed)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    now = datetime.datetime.now(datetime.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name("Puslitbangdiklat Bawaslu"))
        .issuer_name(name("Otoritas Sertifikat Uji"))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(ca_key, hashes.SHA256())
    )
    path = tmp_path_factory.mktemp("authority") / "resmi.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            name=b"resmi",
            key=key,
            cert=cert,
            cas=None,
            encryption_algorithm=serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        )
    )
    return path


@pytest.fixture
def real_key(settings, authority_key_file):
    settings.LMS_CERT_SIGNING_P12 = authority_key_file
    settings.LMS_CERT_SIGNING_PASSPHRASE = PASSPHRASE
    settings.LMS_CERT_SIGNING_AUTOCREATE = False


@pytest.fixture
def template():
    """The demo template the data migration made."""
    return CertificateTemplate.objects.get(is_default=True)


def make_real(template) -> None:
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "white").save(buffer, "PNG")
    template.logo = get_image_model().objects.create(
        title="Lambang Bawaslu", file=ImageFile(buffer, name="lambang.png")
    )
    template.save()
    template.signatories.update(name="Drs. Nama Pejabat Sebenarnya, M.Si.", nip="")


def warning_ids() -> list[str]:
    return [message.id for message in certificate_demo_parts_check()]


def test_the_template_list_names_what_is_still_the_demos(client, admin_lms, template):
    client.force_login(admin_lms)

    html = client.get(LIST_URL).content.decode()

    assert "data-demo-warning" in html
    assert "Sebelum sertifikat diterbitkan untuk pegawai" in html
    assert "Penanda tangan masih contoh (Dr. Contoh Nama Pejabat, S.H., M.H.)" in html
    assert "lambang bawaan aplikasi" in html
    assert "kunci demo buatan aplikasi" in html  # the tests' key is a self-signed demo one
    assert f'href="{edit_url(template)}"' in html


def test_the_template_edit_screen_names_what_of_it_is_still_the_demos(client, admin_lms, template):
    client.force_login(admin_lms)

    html = client.get(edit_url(template)).content.decode()

    assert "Templat ini belum siap untuk sertifikat yang sebenarnya" in html
    assert "Penanda tangan masih contoh" in html
    assert "Logo belum diisi" in html


def test_a_real_template_and_key_show_no_warning(client, admin_lms, template, real_key):
    # given
    make_real(template)
    client.force_login(admin_lms)

    # then
    assert "data-demo-warning" not in client.get(LIST_URL).content.decode()
    assert "data-demo-warning" not in client.get(edit_url(template)).content.decode()


def test_the_deploy_check_warns_of_the_demo_signatory_emblem_and_key(template):
    messages = certificate_demo_parts_check()

    assert [m.id for m in messages] == ["sertifikat.W001", "sertifikat.W002", "sertifikat.W003"]
    assert all(m.level == checks.WARNING for m in messages)
    assert "Sertifikat LMS Bawaslu (bawaan)" in messages[0].msg
    assert "ganti penanda tangan contoh" in messages[0].hint
    assert "replace the demo signatory" in messages[0].hint


def test_the_deploy_check_is_quiet_once_everything_is_real(template, real_key):
    make_real(template)

    assert warning_ids() == []


def test_a_key_the_app_would_create_itself_is_a_demo_key(template, real_key, settings):
    make_real(template)
    settings.LMS_CERT_SIGNING_AUTOCREATE = True

    assert warning_ids() == ["sertifikat.W003"]


def test_a_new_template_without_a_logo_is_warned_of(template, real_key):
    make_real(template)
    CertificateTemplate.objects.create(name="Templat Bimtek")

    messages = certificate_demo_parts_check()

    assert [(m.id, "Templat Bimtek" in m.msg) for m in messages] == [("sertifikat.W002", True)]


def test_the_check_runs_with_the_deploy_checks_only():
    deploy = checks.registry.registry.get_checks(include_deployment_checks=True)
    everyday = checks.registry.registry.get_checks(include_deployment_checks=False)

    assert certificate_demo_parts_check in deploy
    assert certificate_demo_parts_check not in everyday
