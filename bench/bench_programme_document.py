"""Benchmark: the full programme document of the demo region.

Loads the demo (seed_demo) into a throw-away SQLite database and times building and rendering
the programme document of the current draft (the demo's largest version: every service, the
seven policy lines, goals, measures, indicators with their monitoring charts, and the approval
history) as HTML, DOCX and PDF. Each figure includes reading the version's content from the
database and building the document tree.

The floor of each format is the rendering alone of a document tree built beforehand: what the
rendering library costs whatever Kotopolku does around it. The six sides (three formats, three
floors) run by turns, each round in a rotated order, after one warm-up run each; each is
reported as the median and min–max of its runs, wall and CPU time.

Targets on this machine: HTML ≤ 0.3 s, DOCX ≤ 1 s, PDF ≤ 3 s (medians). Exits 1 when one is
missed.

    DEBUG=true .venv/bin/python bench/bench_programme_document.py [--runs N] [--language sv] \\
        [--write RESULT.json]
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import _timing  # noqa: E402 - bench/ is this script's own folder

TARGETS = {"html": 0.3, "docx": 1.0, "pdf": 3.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--language", choices=("fi", "sv"), default="fi")
    _timing.add_write_argument(parser)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotopolku.config.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from kotopolku.demo.seed import seed_demo
    from kotopolku.documents.render import render
    from kotopolku.programme import selectors
    from kotopolku.programme.document import programme_document
    from kotopolku.programme.models import Programme

    seed_demo(with_users=False, clients=0)
    programme = Programme.objects.get(region__slug="keski-uusimaa")
    version = selectors.open_version(programme=programme) or selectors.document_version(
        programme=programme
    )
    today = timezone.localdate()

    built = programme_document(version=version, language=args.language, day=today)
    sizes: dict[str, int] = {}

    def full(fmt: str):
        def run() -> None:
            document = programme_document(version=version, language=args.language, day=today)
            sizes[fmt] = len(render(document, fmt))

        return run

    def floor(fmt: str):
        return lambda: render(built, fmt)

    sides = {}
    for fmt in TARGETS:
        sides[fmt] = full(fmt)
        sides[f"{fmt} floor"] = floor(fmt)
    timings = _timing.interleave(sides, runs=args.runs, warmup=1)

    content = selectors.version_content(version=version, day=today)
    print(
        f"programme document, version {version.number} ({version.status}), {args.language}: "
        f"{len(content['services'])} services, {len(content['goals'])} goals, "
        f"{args.runs} rounds; {_timing.conditions_text()}"
    )
    failed = False
    result = {"benchmark": "programme_document", "conditions": _timing.conditions(), "formats": {}}
    for fmt, target in TARGETS.items():
        wall, cpu = timings.summary(fmt), timings.summary(fmt, cpu=True)
        comparison = timings.compare(fmt, f"{fmt} floor")
        ok = wall.median <= target
        failed |= not ok
        # Wall time decides; CPU time shows what the machine gives when no one else is busy.
        print(f"  {fmt:4}  {wall.text()} wall, CPU {cpu.text()}, {sizes[fmt] / 1024:.0f} KiB")
        _timing.verdict(
            f"programme document {fmt.upper()}: median ≤ {target} s",
            f"{wall.text()}, {comparison.text()}",
            f"rendering alone {comparison.floor.text()}",
            ok,
        )
        result["formats"][fmt] = {
            "target_seconds": target,
            "cpu": cpu.as_dict(),
            **comparison.as_dict(),
        }
    result["pass"] = not failed
    _timing.write_result(args.write, result)
    tmp.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
