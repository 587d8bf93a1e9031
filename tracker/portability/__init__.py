"""Your data: export everything (export.py), import an export (importer.py), delete the account."""

from __future__ import annotations

from tracker.models import User, database
from tracker.portability.export import CSV_FIELDS, VERSION, export_csv, export_data
from tracker.portability.importer import Imported, ImportProblem, Plan, apply_import, parse_export

__all__ = [
    "CSV_FIELDS",
    "VERSION",
    "ImportProblem",
    "Imported",
    "Plan",
    "apply_import",
    "delete_account",
    "export_csv",
    "export_data",
    "parse_export",
]


def delete_account(user: User) -> None:
    """Remove the account and, through the database's ON DELETE CASCADE, every row that is theirs."""
    with database.atomic():
        User.delete().where(User.id == user.id).execute()
