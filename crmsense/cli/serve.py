"""``crmsense keys …`` and ``crmsense serve``."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from crmsense.cli.app import DbOption, app, console, fail, open_db
from crmsense.errors import CrmsenseError

keys_app = typer.Typer(help="Manage API keys (stored hashed; shown once).", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def keys_create(
    scopes: Annotated[str, typer.Option(help="Comma-separated: read, write, admin.")] = "read",
    name: Annotated[str | None, typer.Option(help="A label for the key.")] = None,
    db: DbOption = None,
) -> None:
    """Create a key; the key alone is printed on the last line."""
    from crmsense.api.security import create_key

    try:
        key = create_key(open_db(db), [s.strip() for s in scopes.split(",") if s.strip()], name)
    except CrmsenseError as exc:
        fail(exc, code=2)
    console.print("New API key (store it now; it cannot be shown again):")
    print(key)


@keys_app.command("list")
def keys_list(db: DbOption = None) -> None:
    """List keys (ids, scopes, state) as JSON — never the keys themselves."""
    from sqlalchemy import select

    from crmsense.store.models import ApiKey

    with open_db(db).session() as s:
        rows = s.scalars(select(ApiKey).order_by(ApiKey.id)).all()
        print(
            json.dumps(
                [
                    {
                        "id": r.key_id,
                        "name": r.name,
                        "scopes": r.scopes.split(","),
                        "created_at": r.created_at.isoformat(),
                        "revoked": r.revoked_at is not None,
                    }
                    for r in rows
                ]
            )
        )


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="Key id (after csk_).")], db: DbOption = None
) -> None:
    """Revoke a key at once."""
    from crmsense.api.security import revoke_key

    try:
        revoke_key(open_db(db), key_id)
    except CrmsenseError as exc:
        fail(exc)
    console.print(f"revoked {key_id}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    db: DbOption = None,
) -> None:
    """Serve the REST API and dashboard with uvicorn."""
    from crmsense.errors import require_extra
    from crmsense.settings import get_settings

    uvicorn = require_extra("uvicorn", "server")
    from crmsense.api.app import create_app

    settings = get_settings(database_url=db)
    uvicorn.run(
        create_app(settings, open_db(db)), host=host, port=port, log_level="info", access_log=False
    )
