"""The `extramile` command line: the typer app, its groups, and `main`.

The commands live in app/commands/, one module per group, and are registered here in
the order `--help` lists them. Platform adapters are imported inside the commands that
need them, so the core never pulls in aiohttp, slack_bolt or botbuilder just by being
imported.
"""

from __future__ import annotations

import sys

import typer

from app.commands import (
    database_and_org,
    learner,
    people,
    practice_edits,
    practices,
    running,
    teams,
)
from storage.database import DatabaseNotWritable

app = typer.Typer(help="Extra Mile: go the extra mile in customer service.", no_args_is_help=True)
db_app = typer.Typer(help="Database commands.", no_args_is_help=True)
org_app = typer.Typer(help="Organisation file commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")
practices_app = typer.Typer(help="Practices: the deeds actions share.", no_args_is_help=True)
app.add_typer(practices_app, name="practices")

app.command()(running.serve)
app.command()(running.scheduler)
app.command("run-job")(running.run_job_command)
app.command()(running.console)
db_app.command("upgrade")(database_and_org.db_upgrade)
app.command("teams-package")(teams.teams_package)
practices_app.command("evaluate")(practices.practices_evaluate)
practices_app.command("list")(practice_edits.practices_list)
practices_app.command("rename")(practice_edits.practices_rename)
practices_app.command("merge")(practice_edits.practices_merge)
practices_app.command("split")(practice_edits.practices_split)
app.command()(people.portfolio)
app.command("export-person")(people.export_person_command)
app.command("erase-person")(people.erase_person_command)
app.command("audit")(people.audit_command)
app.command("demo-learner")(learner.demo_learner)
org_app.command("check")(database_and_org.org_check)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except DatabaseNotWritable as error:
        # From any command that opens the database, `serve` included.
        typer.echo(f"extramile: cannot use the database: {error}", err=True)
        sys.exit(2)
