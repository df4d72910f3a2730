"""Store, query, export and load commands of the ``kg`` command line.

``register(app)`` adds ``kg query``, ``kg export``, ``kg load`` and ``kg remove`` to the Typer
app and gives ``kg build`` a ``--store`` option (the build command keeps every option it has;
without ``--store`` it runs exactly as before).

Exit codes, besides kg's own (0 success, 1 kg error, 2 usage error, 3 inputs skipped, 4 spaCy
model missing): 5 the store is locked by another kg process; 6 ``kg load`` finished but the
server's triple counts differ from the graphs sent.
"""

from __future__ import annotations

import typer

from kg.commands.build import extend_build
from kg.commands.data import export_command, query_command, remove_command
from kg.commands.load import load_command

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the store commands to ``app`` and the ``--store`` option to its ``build`` command."""
    extend_build(app)
    app.command("query")(query_command)
    app.command("export")(export_command)
    app.command("load")(load_command)
    app.command("remove")(remove_command)
