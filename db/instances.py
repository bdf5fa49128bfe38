"""Scene asset instances (Stage 8): each project asset as one scene shows it. The rows are the live state;
every saved definition is also a per-scene version (db.scene_versions), which keeps the history."""

from __future__ import annotations

from uuid import UUID

import psycopg


def write_instances(conn: psycopg.Connection, scene_id: UUID, instances: list[dict]) -> list[dict]:
    """Make the scene's instances exactly `instances` (dicts with project_asset_id, description_override,
    status_tags, carry_forward, inherited_from_scene_id, image_key_url); returns the rows."""
    keep = [i["project_asset_id"] for i in instances]
    conn.execute("DELETE FROM scene_asset_instances WHERE scene_id = %s AND NOT (project_asset_id = ANY(%s))",
                 [scene_id, keep])
    with conn.cursor() as cur:
        cur.executemany(
            """INSERT INTO scene_asset_instances (scene_id, project_asset_id, description_override, status_tags,
                      carry_forward, inherited_from_scene_id, image_key_url)
               VALUES (%(scene)s, %(project_asset_id)s, %(description_override)s, %(status_tags)s,
                       %(carry_forward)s, %(inherited_from_scene_id)s, %(image_key_url)s)
               ON CONFLICT (scene_id, project_asset_id) DO UPDATE SET
                      description_override = EXCLUDED.description_override, status_tags = EXCLUDED.status_tags,
                      carry_forward = EXCLUDED.carry_forward, inherited_from_scene_id = EXCLUDED.inherited_from_scene_id,
                      image_key_url = EXCLUDED.image_key_url""",
            [{**i, "scene": scene_id} for i in instances])
    return scene_instances(conn, scene_id)


def scene_instances(conn: psycopg.Connection, scene_id: UUID) -> list[dict]:
    """The scene's instances with their asset's name, type, description and reference image."""
    return conn.execute(
        """SELECT i.*, a.name, a.asset_type, a.description, a.image_key_url AS asset_image_key
             FROM scene_asset_instances i JOIN project_assets a ON a.id = i.project_asset_id
            WHERE i.scene_id = %s ORDER BY a.asset_type, a.name""", [scene_id]).fetchall()


def get_instance(conn: psycopg.Connection, instance_id: UUID) -> dict | None:
    return conn.execute(
        """SELECT i.*, a.name, a.asset_type, a.description, a.image_key_url AS asset_image_key, s.branch_id
             FROM scene_asset_instances i JOIN project_assets a ON a.id = i.project_asset_id
             JOIN scenes s ON s.id = i.scene_id WHERE i.id = %s""", [instance_id]).fetchone()


def set_instance_image(conn: psycopg.Connection, instance_id: UUID, image_key: str) -> None:
    conn.execute("UPDATE scene_asset_instances SET image_key_url = %s WHERE id = %s", [image_key, instance_id])


def instances_before(conn: psycopg.Connection, branch_id: UUID, scene_number: int) -> list[dict]:
    """The instances of the branch's live scenes before `scene_number`, latest scene first."""
    return conn.execute(
        """SELECT i.*, s.scene_number FROM scene_asset_instances i JOIN scenes s ON s.id = i.scene_id
            WHERE s.branch_id = %s AND s.superseded_at IS NULL AND s.scene_number < %s
            ORDER BY s.scene_number DESC""", [branch_id, scene_number]).fetchall()
