from django.core.management.base import BaseCommand

from lms.organisasi.services import orgunit_load_official


class Command(BaseCommand):
    help = "Muat 553 unit permanen (Bawaslu RI, provinsi, kabupaten/kota) dari kode wilayah resmi."

    def handle(self, *args, **options):
        result = orgunit_load_official()
        self.stdout.write(
            self.style.SUCCESS(
                f"Unit organisasi: {result['created']} dibuat, {result['renamed']} diperbarui, "
                f"{result['total']} total."
            )
        )
