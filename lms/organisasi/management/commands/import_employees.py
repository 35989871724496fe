from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.organisasi.imports import ImportFileError, employee_import_run


class Command(BaseCommand):
    help = "Impor pegawai dari berkas CSV atau XLSX; berkas dengan baris salah ditolak seluruhnya."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.exists():
            raise CommandError(f"Berkas {file} tidak ditemukan.")
        try:
            with file.open("rb") as content:
                result = employee_import_run(content=content, filename=file.name)
        except ImportFileError as exc:
            where = f"Baris {exc.line}: " if exc.line else ""
            raise CommandError(where + exc.message) from exc
        if result.rejected:
            for error in result.errors:
                self.stderr.write(f"Baris {error['line']}: {' '.join(error['reasons'])}")
            raise CommandError(
                f"Berkas ditolak: {len(result.errors)} baris salah dari {result.total_rows}; "
                "tidak ada data yang disimpan."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Impor selesai: {result.created} pegawai baru, {result.updated} diperbarui."
            )
        )
