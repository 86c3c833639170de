"""Admin helpers on a hub database file: organisations, coverage, staff, tokens, epoch, backup.

Every function takes the hub's db path (or an open `Database`) and works whether or not a
server is running on that file (SQLite WAL lets the CLI and the server share it). The CLI
(`cvi-hub org|coverage|staff|token ...`) and the admin HTTP routes call these same functions.

    from sync.hub import admin
    admin.create_org(db, "acme", "Acme Outreach")       # id: the API's pattern, ^[a-z0-9][a-z0-9_-]*$
    admin.set_agreement(db, "acme", share_block=True)   # CPD may get the block of its incidents
    admin.add_coverage(db, "acme", "011")
    admin.add_staff(db, "acme", "w1", "Ana Ruiz")                          # the staff list
    token = admin.create_token(db, "staff", org_id="acme", staff_id="w1")  # shown once
    admin.bump_epoch(db)                                                  # simulate a restore
    admin.backup(db, "hub-2026-12-01.sqlite3")              # a consistent copy, while serving
    admin.restore_backup("hub-2026-12-01.sqlite3", db)      # `cvi-hub restore`: hub stopped

Tokens are random (`cvi_` + 43 url-safe chars); only their sha256 is stored. A staff or
supervisor token names a staff member; one the hub does not know yet is added to the staff list
with the token (so scripts that only make tokens keep working).
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cvi_desktop.domain import VALID_DISTRICTS
from cvi_desktop.fields import MAX_INT

from ..protocol import OrgIn, StaffIn, StaffOut, StaffRole, TokenRole
from . import db as hubdb
from . import service
from .db import SCHEMA_VERSION, Database, open_database
from .dburl import DbKind, parse_db
from .service import hash_token

DbLike = str | Path | Any  # a SQLite path, a postgresql:// URL, or an open database


class AdminError(ValueError):
    """A request an admin made that cannot be done (unknown org, bad role for a token...)."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@contextmanager
def _open(db: DbLike) -> Iterator[Database]:
    if not isinstance(db, (str, Path)):
        yield db  # already open (either engine)
        return
    database = open_database(db)
    try:
        yield database
    finally:
        database.close()


def _refused(exc: ValidationError, names: dict[str, str]) -> AdminError:
    """One line naming each bad input, as an admin reads it (not pydantic's multi-line report)."""
    problems = []
    for error in exc.errors(include_url=False, include_input=False):
        where = str(error["loc"][0]) if error["loc"] else ""
        problems.append(f"{names.get(where, where)}: {error['msg'].removeprefix('Value error, ')}")
    return AdminError("; ".join(problems))


def create_org(db: DbLike, org_id: str, name: str, now: Callable[[], str] = _now) -> None:
    """Add an organisation. The id follows the same rule as the API's (`OrgIn`): lower-case
    letters, digits, `_` and `-`, starting with a letter or digit, at most 64 characters."""
    try:
        OrgIn.model_validate({"id": org_id, "name": name})
    except ValidationError as exc:
        raise _refused(exc, {"id": "organisation id", "name": "name"}) from None
    with _open(db) as database, database.write() as conn:
        try:
            conn.execute("INSERT INTO orgs VALUES (?, ?, ?)", (org_id, name, now()))
        except hubdb.INTEGRITY_ERRORS:
            raise AdminError(f"organisation {org_id!r} already exists") from None


def list_orgs(db: DbLike) -> list[dict[str, Any]]:
    with _open(db) as database, database.read() as conn:
        orgs = conn.execute("SELECT id, name FROM orgs ORDER BY id").fetchall()
        result = []
        for org in orgs:
            districts = [
                r[0]
                for r in conn.execute(
                    "SELECT district FROM coverage WHERE org_id = ? ORDER BY district", (org["id"],)
                )
            ]
            result.append({"id": org["id"], "name": org["name"], "districts": districts})
        return result


def add_coverage(db: DbLike, org_id: str, district: str) -> None:
    """The organisation now receives notifications for this police district (from now on)."""
    district = district.zfill(3)
    if district not in VALID_DISTRICTS:
        raise AdminError(f"{district!r} is not a Chicago police district")
    with _open(db) as database, database.write() as conn:
        if conn.execute("SELECT 1 FROM orgs WHERE id = ?", (org_id,)).fetchone() is None:
            raise AdminError(f"no organisation {org_id!r}")
        conn.execute("INSERT INTO coverage VALUES (?, ?) ON CONFLICT DO NOTHING", (org_id, district))


def remove_coverage(db: DbLike, org_id: str, district: str) -> None:
    with _open(db) as database, database.write() as conn:
        conn.execute("DELETE FROM coverage WHERE org_id = ? AND district = ?", (org_id, district.zfill(3)))


def _staff_in(staff_id: str, display_name: str, role: str) -> StaffIn:
    try:
        return StaffIn.model_validate({"id": staff_id, "display_name": display_name, "role": role})
    except ValidationError as exc:
        raise _refused(exc, {"id": "staff id", "display_name": "name", "role": "role", "": "staff"}) from None


def set_agreement(db: DbLike, org_id: str, share_block: bool) -> None:
    """Record the organisation's data-sharing agreement terms: with `share_block`, the hub
    accepts the block in its response records for CPD (the laptop sends it only when its own
    agreement setting is on too). Kept in `meta` (see service.agreement)."""
    with _open(db) as database, database.write() as conn:
        if conn.execute("SELECT 1 FROM orgs WHERE id = ?", (org_id,)).fetchone() is None:
            raise AdminError(f"no organisation {org_id!r}")
        conn.execute(
            "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (f"agreement.share_block.{org_id}", "1" if share_block else "0"),
        )


def add_staff(
    db: DbLike, org_id: str, staff_id: str, display_name: str, role: str = "worker"
) -> dict[str, Any]:
    """Add a staff member (or rename / change role / re-activate one); returns it."""
    staff = _staff_in(staff_id, display_name, role)
    with _open(db) as database:
        try:
            out, _ = service.upsert_staff(database, org_id, staff, datetime.now(UTC))
        except service.UnknownOrg:
            raise AdminError(f"no organisation {org_id!r}") from None
    return out.model_dump(mode="json")


def list_staff(db: DbLike, org_id: str) -> list[dict[str, Any]]:
    """The organisation's staff list (deactivated people too), by display name."""
    with _open(db) as database:
        try:
            staff: list[StaffOut] = service.list_staff(database, org_id)
        except service.UnknownOrg:
            raise AdminError(f"no organisation {org_id!r}") from None
    return [s.model_dump(mode="json") for s in staff]


def deactivate_staff(db: DbLike, org_id: str, staff_id: str) -> None:
    """Their tokens get 403 from now on and they can no longer be assigned. Idempotent."""
    with _open(db) as database:
        try:
            found = service.deactivate_staff(database, org_id, staff_id)
        except service.UnknownOrg:
            raise AdminError(f"no organisation {org_id!r}") from None
    if not found:
        raise AdminError(f"no staff member {staff_id!r} in {org_id!r}")


def create_token_info(
    db: DbLike,
    role: str,
    org_id: str | None = None,
    staff_id: str | None = None,
    label: str = "",
    display_name: str | None = None,
) -> dict[str, Any]:
    """Make a token; returns its info including `token` (the only time it is available).

    A staff/supervisor token needs a staff id; if the organisation has no such staff member
    yet, it is added (named `display_name`, else the staff id; a supervisor for a supervisor
    token). An existing staff member is left as they are.
    """
    try:
        token_role = TokenRole(role)
    except ValueError:
        raise AdminError(f"role must be one of {', '.join(r.value for r in TokenRole)}") from None
    staff: StaffIn | None = None
    if token_role in (TokenRole.STAFF, TokenRole.SUPERVISOR):
        if not org_id:
            raise AdminError(f"a {role} token needs an organisation")
        if not staff_id:
            raise AdminError(f"a {role} token needs a staff id")
        kind = StaffRole.SUPERVISOR if token_role is TokenRole.SUPERVISOR else StaffRole.WORKER
        staff = _staff_in(staff_id, display_name or staff_id, kind.value)
    elif org_id or staff_id or display_name:
        raise AdminError(f"a {role} token belongs to no organisation or staff member")
    token = "cvi_" + secrets.token_urlsafe(32)
    created = _now()
    with _open(db) as database, database.write() as conn:
        if org_id and conn.execute("SELECT 1 FROM orgs WHERE id = ?", (org_id,)).fetchone() is None:
            raise AdminError(f"no organisation {org_id!r}")
        if staff is not None and org_id:
            service.register_staff(conn, org_id, staff, created, update=False)
        cur = conn.execute(
            "INSERT INTO tokens (token_hash, role, org_id, staff_id, label, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (hash_token(token), token_role.value, org_id, staff_id, label, created),
        )
        token_id = int(cur.fetchone()[0])
    return {
        "id": token_id,
        "role": token_role.value,
        "org_id": org_id,
        "staff_id": staff_id,
        "label": label,
        "created_at": created,
        "revoked_at": None,
        "token": token,
    }


def create_token(
    db: DbLike,
    role: str,
    org_id: str | None = None,
    staff_id: str | None = None,
    label: str = "",
    display_name: str | None = None,
) -> str:
    """Make a bearer token for `role` (cpd, staff, supervisor, admin) and return it."""
    return str(create_token_info(db, role, org_id, staff_id, label, display_name)["token"])


def list_tokens(db: DbLike) -> list[dict[str, Any]]:
    with _open(db) as database:
        rows = (
            database.conn()
            .execute(
                "SELECT id, role, org_id, staff_id, label, created_at, revoked_at FROM tokens ORDER BY id"
            )
            .fetchall()
        )
        return [dict(r) for r in rows]


def revoke_token(db: DbLike, token_id: int) -> bool:
    """Revoke by id; returns False if there is no such live token."""
    if not 1 <= token_id <= MAX_INT:
        return False  # ids are SQLite rowids: nothing outside 1 .. 2**63 - 1 exists
    with _open(db) as database, database.write() as conn:
        cur = conn.execute(
            "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (_now(), token_id)
        )
        return cur.rowcount == 1


def epoch(db: DbLike) -> str:
    with _open(db) as database:
        return database.epoch()


def bump_epoch(db: DbLike) -> str:
    """Give the hub a new epoch, as after a restore from backup; clients then re-push."""
    new = secrets.token_hex(16)
    with _open(db) as database, database.write() as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'epoch'", (new,))
    return new


def expire_cursors(db: DbLike) -> None:
    """Make every cursor issued so far answer 410 (as if the change log had been compacted)."""
    with _open(db) as database, database.write() as conn:
        conn.execute(
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'cursor_generation'"
        )


class HubInUse(AdminError):
    """`restore_backup` refused: a hub (or another program) has the database open."""


def _pg_url(db: DbLike) -> str | None:
    """The PostgreSQL URL `db` names, or None for a SQLite hub."""
    if isinstance(db, str):
        target = parse_db(db)
        return target.url if target.kind is DbKind.POSTGRESQL else None
    url = getattr(db, "url", None)
    return url if getattr(db, "kind", "sqlite") == "postgresql" else None


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: on PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if not candidates:
        raise AdminError(f"{name} not found (install the PostgreSQL client tools, e.g. postgresql-client)")
    return candidates[0]


def _run_tool(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise AdminError(f"{Path(args[0]).name}: {last}")


def _pg_backup(url: str, dest: Path) -> None:
    """pg_dump -Fc: one consistent snapshot, safe while hubs serve; written as .partial first."""
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        _run_tool([pg_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(partial), "--dbname", url])
    except BaseException:
        partial.unlink(missing_ok=True)  # a failed dump leaves nothing that looks like a backup
        raise
    os.replace(partial, dest)


def _pg_restore(src: Path, url: str) -> str:
    """pg_restore into an EMPTY database (refused otherwise: no merging two hubs' data), then
    migrations (the role, grants, policies) and a new epoch."""
    if not src.is_file():
        raise AdminError(f"no backup file {src}")
    from .db_postgres import connect

    probe = connect(url, as_app=False)
    try:
        with probe.transaction():
            tables = probe.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone()[0]
    finally:
        probe.close()
    if tables:
        raise HubInUse(
            "the target PostgreSQL database is not empty; restore into a new, empty database "
            "(createdb), then point the hubs at it"
        )
    _run_tool([pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "--dbname", url, str(src)])
    return bump_epoch(url)


def backup(db: DbLike, dest: str | Path) -> None:
    """A consistent copy of the hub file (SQLite online backup), safe while a hub serves it.

    The copy is one self-contained file (no -wal beside it), written under a temporary name and
    renamed into place, so a failed backup never leaves a truncated file that looks like one."""
    target_path = Path(dest)
    if target_path.exists():
        raise AdminError(f"{target_path} already exists; choose a new backup file name")
    url = _pg_url(db)
    if url is not None:
        _pg_backup(url, target_path)
        return
    if not isinstance(db, Database) and not Path(db).is_file():
        raise AdminError(f"no hub database {db}")
    partial = target_path.with_name(target_path.name + ".partial")
    partial.unlink(missing_ok=True)
    with _open(db) as database:
        target = sqlite3.connect(str(partial), isolation_level=None)
        try:
            database.conn().backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
    os.replace(partial, target_path)


def _check_backup(src: Path) -> None:
    """Refuse a file that is not a whole hub backup this hub can serve, before touching the hub."""
    if not src.is_file():
        raise AdminError(f"no backup file {src}")
    try:
        conn = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise AdminError(f"{src} is damaged (SQLite quick_check failed); use another backup")
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        raise AdminError(f"{src} is not a hub backup (not a hub SQLite file)") from None
    if "epoch" not in meta or "schema_version" not in meta:
        raise AdminError(f"{src} is not a hub backup (no epoch or schema version)")
    if int(meta["schema_version"]) > SCHEMA_VERSION:
        raise AdminError(f"{src} was written by a newer hub (schema {meta['schema_version']}, this "
                         f"hub knows {SCHEMA_VERSION}); restore it with that version")


def restore_backup(src: str | Path, db: str | Path) -> str:  # noqa: C901 - two engines
    """What `cvi-hub restore` does: replace the hub file `db` with the backup `src` and give it a
    new epoch, in one step; returns the new epoch.

    The new epoch is what makes every laptop send again what the backup does not have (a hub
    restored without it loses those records for good, unless a laptop notices its cursor is
    ahead). Refuses while a hub, or any other program, has `db` open: the whole restore runs under
    SQLite's exclusive lock, which cannot be had while another connection is open on the file,
    and which no server can break into between the copy and the epoch change."""
    url = _pg_url(db)
    if url is not None:
        return _pg_restore(Path(src), url)
    src_path, db_path = Path(src), Path(db)
    _check_backup(src_path)
    if db_path.resolve() == src_path.resolve():
        raise AdminError("the backup and the hub database are the same file")
    target = sqlite3.connect(str(db_path), isolation_level=None, timeout=0)
    try:
        target.execute("PRAGMA locking_mode = EXCLUSIVE")
        try:
            target.execute("BEGIN EXCLUSIVE")
            target.execute("COMMIT")  # the lock stays: locking_mode EXCLUSIVE keeps it
        except sqlite3.OperationalError:
            raise HubInUse(f"{db_path} is open in a running hub or another program; stop the hub "
                           "(cvi-hub serve) first, then restore") from None
        source = sqlite3.connect(f"file:{src_path}?mode=ro", uri=True)
        try:
            source.backup(target)
        finally:
            source.close()
        new = secrets.token_hex(16)
        target.execute("UPDATE meta SET value = ? WHERE key = 'epoch'", (new,))
    finally:
        target.close()
    return new


def restore(src: str | Path, db: DbLike) -> str:
    """Overwrite the hub's data with a backup and bump the epoch; returns the new epoch.

    Works with a server running on `db` (later requests see the restored data), which is what
    the fault tests need to simulate a restore under a live hub; people use `restore_backup`.
    """
    source = sqlite3.connect(str(src))
    try:
        with _open(db) as database:
            source.backup(database.conn())
    finally:
        source.close()
    return bump_epoch(db)
