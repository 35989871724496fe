from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kursus.kuis.bank import question_import
from kursus.kuis.formats import FORMATS, QuestionFileError


class Command(BaseCommand):
    help = (
        "Impor soal dari berkas GIFT, Aiken, Moodle XML, CSV atau XLSX ke satu kategori bank soal."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=FORMATS, required=True, dest="fmt")
        parser.add_argument("--category", required=True, help="Nama kategori bank soal.")

    def handle(self, *args, file: Path, fmt: str, category: str, **options):
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Berkas tidak dapat dibaca: {exc}") from exc
        try:
            report = question_import(content=content, fmt=fmt, category=category)
        except QuestionFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{len(report.created)} soal baru di kategori '{report.category.name}', "
            f"{len(report.duplicates)} sudah ada, {len(report.skipped)} dilewati."
        )
        for skipped in report.skipped:
            self.stdout.write(f"  dilewati (baris {skipped.line}) {skipped.name}: {skipped.reason}")
