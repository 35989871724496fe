"""`manage.py seed_demo` (what `make run` loads): the official units, the demo courses and
quizzes, the demo people and the demo programme. It lives in program, the highest app it
seeds, which may import the apps below it."""

from django.core.management.base import BaseCommand

from kursus.demo import demo_courses_seed, demo_quizzes_seed
from lms.organisasi.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_people_seed
from lms.organisasi.services import orgunit_load_official
from program.demo import demo_programme_seed


class Command(BaseCommand):
    help = "Muat data demo: unit organisasi dan akun demo untuk setiap peran. Aman diulang."

    def handle(self, *args, **options):
        units = orgunit_load_official()
        self.stdout.write(f"Unit organisasi: {units['total']} ({units['created']} baru).")
        courses = demo_courses_seed()
        self.stdout.write(f"Kursus demo: {len(courses)} baru {', '.join(courses)}.")
        quizzes = demo_quizzes_seed()
        self.stdout.write(f"Kuis demo: {len(quizzes)} baru.")
        people = demo_people_seed()
        self.stdout.write(f"Akun demo ({sum(p['created'] for p in people)} baru):")
        for person in people:
            self.stdout.write(f"  {person['email']:<40} {person['roles']:<28} {person['unit']}")
        programme = demo_programme_seed()
        self.stdout.write(
            f"Program demo: {programme['cohort']} "
            f"({programme['participants']} peserta, {programme['sessions']} sesi)."
        )
        self.stdout.write(
            self.style.WARNING(
                f"Kata sandi semua akun demo: {DEMO_PASSWORD}\n"
                f"Rahasia TOTP akun pengajar, supervisor dan admin: {DEMO_TOTP_SECRET}\n"
                "Hanya untuk demo: jangan dipakai di server produksi."
            )
        )
