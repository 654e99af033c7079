"""R0.4 the importers of the units app for the one import flow (``web.imports``): units and cadres.

The checks and the writes are the services' (``services.import_check``/``import_apply``); these adapt
them to the flow, and ``read_spreadsheet`` reads an upload for any app's importer.
"""
from __future__ import annotations

from dataclasses import dataclass

from reports.excel import TableReadError, read_table
from web.imports import Column, ImportPlan, rows_summary

from . import services
from .errors import UnitsError


def read_spreadsheet(data: bytes, filename: str) -> list[list[str]]:
    """An uploaded .xlsx or .csv as rows of strings; an unreadable file is a domain error for the user."""
    try:
        return read_table(data, filename)
    except TableReadError as exc:
        raise UnitsError(str(exc)) from exc


@dataclass(frozen=True)
class TreeImporter:
    """Units (each under a parent given by code) or cadres (each in a unit given by code)."""

    kind: str

    @property
    def label(self) -> str:
        return str(services.IMPORT_KINDS[self.kind])

    @property
    def columns(self) -> list[Column]:
        return services.COLUMNS[self.kind]

    def check(self, *, user, table: list[list[str]]) -> ImportPlan:
        return services.import_check(user=user, kind=self.kind, table=table)

    def write(self, *, user, table: list[list[str]]) -> int:
        return services.import_apply(user=user, kind=self.kind, table=table)

    def summary(self, plan: ImportPlan) -> str:
        return rows_summary(plan)


IMPORTERS = {kind: TreeImporter(kind) for kind in services.IMPORT_KINDS}


@dataclass(frozen=True)
class AccountImporter:
    """R0.1 accounts in bulk: username, full name, unit code and role per row; one-time passwords shown once."""

    kind: str = "accounts"

    @property
    def label(self) -> str:
        from django.utils.translation import gettext

        return gettext("Accounts")

    @property
    def columns(self) -> list[Column]:
        return services.ACCOUNT_COLUMNS

    def check(self, *, user, table: list[list[str]]) -> ImportPlan:
        return services.accounts_import_check(user=user, table=table)

    def write(self, *, user, table: list[list[str]]) -> list[tuple[str, str, str]]:
        return services.accounts_import_apply(user=user, table=table)

    def summary(self, plan: ImportPlan) -> str:
        return rows_summary(plan)


ACCOUNT_IMPORTERS = {"accounts": AccountImporter()}
