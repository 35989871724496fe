"""Create the self-signed demo signing key if the configured one is missing (`make run`)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from sertifikat.signing import demo_key_create, signing_key_path


class Command(BaseCommand):
    help = "Membuat kunci tanda tangan demo (self-signed) jika LMS_CERT_SIGNING_P12 belum ada."

    def handle(self, *args, **options):
        path = signing_key_path()
        if path.exists():
            self.stdout.write(f"Signing key present: {path}")
            return
        demo_key_create(path=path, passphrase=settings.LMS_CERT_SIGNING_PASSPHRASE)
        self.stdout.write(
            self.style.WARNING(
                f"Created a self-signed DEMO signing key at {path}. "
                "Certificates signed with it are for demonstration only; see the README "
                "for a key from a certificate authority (BSrE)."
            )
        )
