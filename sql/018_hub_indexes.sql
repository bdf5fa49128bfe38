-- The script hub's per-scene spend, read by index alone.
--
-- The hub (db/hub.py) sums each live scene's settled ledger rows by the scene's id. With the scene id, the
-- status, the amounts and the project (which row-level security checks) in one index, that is an index-only
-- scan of the scene's entries instead of a visit to every ledger page they are scattered over (ledger rows
-- are written over weeks, interleaved with every other scene's). It replaces 006's index on scene_id alone,
-- which it covers, so each ledger write still maintains one scene index.

CREATE INDEX idx_cost_ledger_scene_spend ON cost_ledger (scene_id, status)
    INCLUDE (credits, shadow_credits, project_id) WHERE scene_id IS NOT NULL;
DROP INDEX idx_cost_ledger_scene;
