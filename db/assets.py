"""Project assets (per branch) and the user's global asset library."""

from __future__ import annotations

from uuid import UUID

import psycopg


def branch_assets(conn: psycopg.Connection, branch_id: UUID) -> list[dict]:
    return conn.execute(
        """SELECT * FROM project_assets WHERE branch_id = %s
            ORDER BY array_position(ARRAY['character','location','prop'], asset_type), name""",
        [branch_id],
    ).fetchall()


def replace_branch_assets(conn: psycopg.Connection, project_id: UUID, branch_id: UUID, assets: list[dict]) -> list[dict]:
    """The branch's unlocked assets become `assets`; an unchanged asset keeps its reference image, and so
    does a renamed one (same type and description, a name no other asset had)."""
    removed = conn.execute("DELETE FROM project_assets WHERE branch_id = %s AND NOT locked RETURNING *",
                           [branch_id]).fetchall()
    kept_images = {(r["asset_type"], r["name"], r["description"]): r["image_key_url"] for r in removed}
    old_names = {(r["asset_type"], r["name"]) for r in removed}
    renamed = _images_by_look([r for r in removed if (r["asset_type"], r["name"]) not in
                               {(a["asset_type"], a["name"]) for a in assets}])
    rows = [
        (project_id, branch_id, a.get("global_asset_id"), a["name"], a["asset_type"], a["description"],
         a.get("image_key_url") or kept_images.get((a["asset_type"], a["name"], a["description"]))
         or (renamed.get((a["asset_type"], a["description"])) if (a["asset_type"], a["name"]) not in old_names
             else None),
         list(a.get("scene_numbers", [])))
        for a in assets
    ]
    with conn.cursor() as cur:
        cur.executemany(
            """INSERT INTO project_assets
                   (project_id, branch_id, global_asset_id, name, asset_type, description, image_key_url, scene_numbers)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
               ON CONFLICT (branch_id, asset_type, name) DO NOTHING""",
            rows,
        )
    return branch_assets(conn, branch_id)


def _images_by_look(gone: list[dict]) -> dict:
    """(type, description) -> image of assets no longer named, where exactly one had that look."""
    looks: dict = {}
    for r in gone:
        looks.setdefault((r["asset_type"], r["description"]), []).append(r["image_key_url"])
    return {look: images[0] for look, images in looks.items() if len(images) == 1 and images[0]}


def get_asset(conn: psycopg.Connection, asset_id: UUID) -> dict | None:
    return conn.execute("SELECT * FROM project_assets WHERE id = %s", [asset_id]).fetchone()


def set_asset_image(conn: psycopg.Connection, asset_id: UUID, image_key: str) -> None:
    conn.execute("UPDATE project_assets SET image_key_url = %s WHERE id = %s AND NOT locked", [image_key, asset_id])


def lock_branch_assets(conn: psycopg.Connection, branch_id: UUID) -> int:
    return conn.execute("UPDATE project_assets SET locked = true WHERE branch_id = %s AND NOT locked", [branch_id]).rowcount


def library(conn: psycopg.Connection) -> list[dict]:
    return conn.execute("SELECT * FROM global_assets ORDER BY asset_type, name").fetchall()


def promote(conn: psycopg.Connection, asset: dict) -> dict:
    return conn.execute(
        """INSERT INTO global_assets (name, asset_type, description, image_key_url, promoted_from_project_id)
           VALUES (%s, %s, %s, %s, %s) RETURNING *""",
        [asset["name"], asset["asset_type"], asset["description"], asset["image_key_url"], asset["project_id"]],
    ).fetchone()


def get_library_asset(conn: psycopg.Connection, global_asset_id: UUID) -> dict | None:
    return conn.execute("SELECT * FROM global_assets WHERE id = %s", [global_asset_id]).fetchone()


def rename_library_asset(conn: psycopg.Connection, global_asset_id: UUID, name: str) -> dict | None:
    return conn.execute("UPDATE global_assets SET name = %s WHERE id = %s RETURNING *",
                        [name, global_asset_id]).fetchone()


def delete_library_asset(conn: psycopg.Connection, global_asset_id: UUID) -> dict | None:
    """Remove an asset from the library; films that pulled it keep their own copy (the link is cleared)."""
    return conn.execute("DELETE FROM global_assets WHERE id = %s RETURNING *", [global_asset_id]).fetchone()
