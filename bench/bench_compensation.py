"""Benchmark: the compensation forecast of 10,000 eligible persons over a year (issue 8, ≤ 2 s).

Runs against a throw-away SQLite database (or DATABASE_URL if BENCH_DATABASE_URL is set), loads
synthetic clients and times `selectors.forecast_compute`: the two registry queries, the rule
reads and the C1–C5 computation of every person. Usage: `DEBUG=true python bench/bench_compensation.py`
"""

import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PERSONS = int(os.environ.get("BENCH_PERSONS", "10000"))
LIMIT_SECONDS = 2.0


def main() -> int:
    tmp = tempfile.TemporaryDirectory()
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotopolku.config.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from kotopolku.clients.models import Client, HomeMunicipalityPeriod
    from kotopolku.compensation.selectors import forecast_compute
    from kotopolku.demo.seed import seed_demo
    from kotopolku.organisations.models import Organisation
    from kotopolku.rules.seed import PERMIT_BASES_ELIGIBLE

    call_command("migrate", verbosity=0)
    seed_demo(with_users=False, clients=0)
    jarvenpaa = Organisation.objects.get(municipality_code="186")
    tuusula = Organisation.objects.get(municipality_code="858")
    rng = random.Random(8)
    with transaction.atomic():
        clients = Client.objects.bulk_create(
            Client(
                external_id=f"BENCH-{n:05d}",
                first_names="Bench",
                last_name=f"Person {n}",
                date_of_birth=date(1960, 1, 1) + timedelta(days=rng.randrange(23000)),
                permit_basis=rng.choice(PERMIT_BASES_ELIGIBLE),
                client_since=date(2024, 1, 1),
            )
            for n in range(PERSONS)
        )
        periods = []
        for client in clients:
            start = max(date(2023, 6, 1) + timedelta(days=rng.randrange(700)), client.date_of_birth)
            if rng.random() < 0.2:  # a fifth moved from Tuusula to Järvenpää
                move = start + timedelta(days=rng.randrange(30, 200))
                periods.append(
                    HomeMunicipalityPeriod(
                        client=client,
                        municipality=tuusula,
                        start=start,
                        end=move - timedelta(days=1),
                    )
                )
                start = move
            periods.append(
                HomeMunicipalityPeriod(client=client, municipality=jarvenpaa, start=start)
            )
        HomeMunicipalityPeriod.objects.bulk_create(periods, batch_size=2000)

    timings = []
    for _ in range(3):
        began = time.perf_counter()
        forecast = forecast_compute(municipality_code="186", year=2025)
        timings.append(time.perf_counter() - began)
    best = min(timings)
    months = sum(len(p.compensation.months) for p in forecast.persons)
    print(
        f"compensation forecast 186/2025: {PERSONS} clients, {len(forecast.persons)} with a "
        f"counted month, {months} person-months, total {forecast.total} EUR; "
        f"best {best:.3f} s of {', '.join(f'{t:.3f}' for t in timings)} "
        f"(limit {LIMIT_SECONDS:.1f} s): {'OK' if best <= LIMIT_SECONDS else 'TOO SLOW'}"
    )
    tmp.cleanup()
    return 0 if best <= LIMIT_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
