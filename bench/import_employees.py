"""Bulk import of employees: a CSV of N rows, validated and saved, against the floor of
inserting the same rows with bulk_create and no checks at all.

    python -m bench.import_employees [--size small|medium|large]

Target (issue 2): 10,000 rows (medium) within 60 seconds on this machine.
"""

import datetime
import random
import tempfile

from .harness import django_setup, emit, parse_args, throwaway_database, timer

SIZES = {"small": 1_000, "medium": 10_000, "large": 50_000}
TARGET_SECONDS_PER_10K = 60.0
FIRST_NAMES = ["Ahmad", "Siti", "Budi", "Dewi", "Rudi", "Nur", "Agus", "Rina", "Joko", "Maya"]
LAST_NAMES = ["Saputra", "Lestari", "Hidayat", "Wulandari", "Santoso", "Rahmawati", "Gunawan"]
KINDS = ["PNS", "PPPK", "Non-ASN", "Ad hoc"]


def make_nip(i: int) -> str:
    """A valid, unique NIP for row i: distinct birth dates, then distinct serials."""
    birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=i % 12_000)
    appointed = f"{birth.year + 22 + i % 8}{1 + i % 12:02d}"
    return f"{birth:%Y%m%d}{appointed}{1 + i % 2}{(i // 12_000) % 1000:03d}"


def make_csv(rows: int, unit_codes: list[str], seed: int = 2026) -> bytes:
    rng = random.Random(seed)
    lines = ["NIP,nama,email,kode unit,jabatan,jenis pegawai"]
    for i in range(rows):
        kind = KINDS[i % 4]
        nip = make_nip(i) if kind in ("PNS", "PPPK") else ""
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        code = unit_codes[i % len(unit_codes)]
        lines.append(f"{nip},{name},pegawai{i}@bawaslu.go.id,{code},Staf,{kind}")
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    args = parse_args(__doc__, SIZES)
    n = SIZES[args.size]
    broker_dir = tempfile.mkdtemp(prefix="bench-broker-")
    django_setup(CELERY_TASK_ALWAYS_EAGER="false", CELERY_FILESYSTEM_BROKER_DIR=broker_dir)

    from django.db import transaction

    from lms.akun.models import User
    from lms.organisasi.imports import employee_import_parse, employee_import_run
    from lms.organisasi.models import Employee, OrgUnit
    from lms.organisasi.services import orgunit_load_official

    with throwaway_database():
        orgunit_load_official()
        codes = list(
            OrgUnit.objects.filter(level="kabkota").order_by("code").values_list("code", flat=True)
        )
        content = make_csv(n, codes)

        # The floor: parse and insert the same people with no validation and no lookups.
        with timer() as floor:
            rows = employee_import_parse(content=content, filename="floor.csv")
            units = dict(OrgUnit.objects.values_list("code", "id"))
            with transaction.atomic():
                users = User.objects.bulk_create(
                    [User(email="floor-" + r.email, password="!") for r in rows], batch_size=1000
                )
                Employee.objects.bulk_create(
                    [
                        Employee(
                            user_id=u.pk,
                            full_name=r.full_name,
                            nip=None,
                            employment_type="non_asn",
                            unit_id=units[r.unit_code],
                        )
                        for u, r in zip(users, rows, strict=True)
                    ],
                    batch_size=1000,
                )
        Employee.objects.all().delete()
        User.objects.all().delete()

        with timer() as first:
            result = employee_import_run(content=content, filename="pegawai.csv")
        assert not result.rejected, result.errors[:3]
        assert result.created == n, result.created

        with timer() as again:
            result_again = employee_import_run(content=content, filename="pegawai.csv")
        assert (result_again.created, result_again.updated) == (0, n)
        assert Employee.objects.count() == n

        per_10k = first["seconds"] * 10_000 / n
        emit(
            "import_employees",
            args.size,
            {
                "rows": n,
                "import_seconds": first["seconds"],
                "reimport_seconds": again["seconds"],
                "floor_seconds": floor["seconds"],
                "import_vs_floor": first["seconds"] / floor["seconds"],
                "rows_per_second": n / first["seconds"],
                "seconds_per_10k_rows": per_10k,
                "target_seconds_per_10k_rows": TARGET_SECONDS_PER_10K,
                "target_met": per_10k <= TARGET_SECONDS_PER_10K,
            },
        )


if __name__ == "__main__":
    main()
