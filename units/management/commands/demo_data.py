"""``manage.py demo_data --scale demo|province [--if-empty] [--seed N]``: load R0 demo data.

A thin wrapper around ``units.demo``: builds the Hebei unit tree (R0.1) with cadres (R0.2) and the
special groups (R0.3), adds one demo login per role, and prints the accounts and the counts.
It only ever writes into a database without units; it never deletes anything.
"""
from __future__ import annotations

import importlib
import time
import unicodedata
from typing import TextIO

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import transaction
from django.utils import timezone

from units import demo
from units.models import Unit
from units.signals import figures_quiet


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: CJK characters are two columns wide."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(header: tuple[str, ...], rows: list[tuple]) -> str:
    """A plain text table whose columns line up even with Chinese text."""
    cells = [tuple(str(value) for value in row) for row in [header, *rows]]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(_pad(value, widths[i]) for i, value in enumerate(row)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class ProgressBar:
    """A text progress bar per phase on stderr: ``units   [#####.........]  35%  18000/51254``.

    Redrawn in place with a carriage return, only when the percentage changes, so it stays cheap
    even when called for every batch.
    """

    def __init__(self, out: OutputWrapper | TextIO, width: int = 30) -> None:
        self.out = out
        self.width = width
        self.last: tuple[str, int] | None = None
        self.started = time.perf_counter()

    def __call__(self, phase: str, done: int, total: int) -> None:
        percent = 100 if total <= 0 else min(100, done * 100 // total)
        if self.last is not None and self.last[0] != phase and self.last[1] < 100:
            self._write("\n")  # the previous phase ended without reaching 100 %
        if self.last == (phase, percent):
            return
        if self.last is None or self.last[0] != phase:
            self.started = time.perf_counter()
        self.last = (phase, percent)
        filled = self.width * percent // 100
        elapsed = time.perf_counter() - self.started
        line = (
            f"\r{phase:<8} [{'#' * filled}{'.' * (self.width - filled)}] {percent:3d}%"
            f"  {done}/{total}  {elapsed:5.1f}s"
        )
        self._write(line + ("\n" if percent == 100 else ""))

    def _write(self, text: str) -> None:
        if isinstance(self.out, OutputWrapper):
            # No colour: Django styles stderr as errors, and progress is not an error.
            self.out.write(text, style_func=lambda s: s, ending="")
        else:
            self.out.write(text)
        self.out.flush()


class Command(BaseCommand):
    help = (
        "Load demo data (R0.1 units of Hebei, R0.2 cadres, R0.3 special groups) and one demo account "
        "per role into an empty database. --scale demo is small and quick; --scale province is "
        "full size (~50,000 units, ~300,000 cadres)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale", choices=demo.SCALES, default="demo",
            help="demo: 33 counties, ~600 units (default). province: ~170 counties, ~50,000 units.",
        )
        parser.add_argument(
            "--if-empty", action="store_true",
            help="If units already exist, say so and exit successfully instead of failing.",
        )
        parser.add_argument("--seed", type=int, default=2014, help="Random seed (default 2014).")

    def handle(self, *args, scale: str, if_empty: bool, seed: int, **options) -> None:
        existing = Unit.objects.count()
        if existing:
            if if_empty:
                self.stdout.write(
                    f"Demo data is already there ({existing} units); nothing loaded. / 演示数据已存在，未重复导入。"
                )
                self._print_accounts(demo.existing_demo_accounts())
                return
            raise CommandError(
                f"The database already has {existing} units. demo_data only loads into a fresh database "
                "(create a new database and run migrate first) and never deletes data; "
                "pass --if-empty to skip loading when data is present."
            )

        # The bar is for the big scale (or -v 2); the demo scale is done before a bar would help.
        show_progress = scale == "province" or options.get("verbosity", 1) >= 2
        progress = ProgressBar(self.stderr) if show_progress else None
        started = time.perf_counter()
        try:
            # One transaction for units, cadres and accounts: a failure leaves the database empty.
            with transaction.atomic():
                counts = demo.build(scale, seed=seed, progress=progress)
                accounts = demo.create_demo_accounts()
                demo.analyze()  # the apps below query what was just bulk loaded
                self.timings = {"units": time.perf_counter() - started}
                with figures_quiet():  # dashboards' demo builds the rollups once, last
                    extra = self._build_other_apps(scale, seed)
        except demo.DemoDataError as error:  # another loader won the race
            raise CommandError(f"{error}; use a fresh database.") from error
        elapsed = time.perf_counter() - started

        self.stdout.write(self.style.SUCCESS(f"Loaded the {scale} scale demo data (seed {seed}) in {elapsed:.1f}s."))
        self.stdout.write(" · ".join(f"{label} {seconds:.1f}s" for label, seconds in self.timings.items()))
        self._print_accounts(accounts)
        self._print_counts(counts)
        if extra:
            self.stdout.write("")
            self.stdout.write(format_table(("records", "count"), sorted(extra.items())))

    def _build_other_apps(self, scale: str, seed: int) -> dict[str, int]:
        """Each app above units may ship ``<app>.demo.build_all(scale=, today=, seed=)``.

        Looked up by name, in INSTALLED_APPS order, so units imports none of them.
        """
        today = timezone.localdate()
        counts: dict[str, int] = {}
        for config in apps.get_app_configs():
            if config.name == "units":
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name not in (f"{config.name}.demo", config.name):
                    raise
                continue
            build_all = getattr(module, "build_all", None)
            if build_all is not None:
                started = time.perf_counter()
                counts.update({f"{config.label}.{k}": v for k, v in build_all(scale=scale, today=today, seed=seed).items()})
                self.timings[config.label] = time.perf_counter() - started
        return counts

    def _print_accounts(self, accounts: list[tuple]) -> None:
        if not accounts:
            self.stdout.write("No demo accounts found.")
            return
        self.stdout.write("")
        self.stdout.write(format_table(("username", "password", "role", "unit"), accounts))

    def _print_counts(self, counts: dict) -> None:
        rows: list[tuple] = [(f"units · {label}", n) for label, n in counts["by_level"].items()]
        rows += [
            ("units", counts["units"]),
            ("  cities / counties", f"{counts['cities']} / {counts['counties']}"),
            ("  townships", counts["townships"]),
            ("  villages / communities", f"{counts['villages']} / {counts['communities']}"),
            ("  enterprises / universities", f"{counts['enterprises']} / {counts['universities']}"),
            ("  backward villages / hardest units", f"{counts['backward_villages']} / {counts['hardest_units']}"),
            ("cadres", counts["cadres"]),
        ]
        rows += [(f"  {label}", n) for label, n in counts["special_groups"].items()]
        rows.append(("  not party members", counts["non_party"]))
        self.stdout.write("")
        self.stdout.write(format_table(("what", "count"), rows))
