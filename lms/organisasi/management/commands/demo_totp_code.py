import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand

from lms.organisasi.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Cetak kode TOTP saat ini untuk akun staf demo (hanya untuk demo)."

    def handle(self, *args, **options):
        counter = int(time.time()) // 30
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter)))
