-- Invalidation made durable.
--
-- Stage versions and scenes already have a status for it ('invalidated' / 'outdated' and
-- 'outdated' / 'continuity_broken'). Shots, frames and clips get a flag instead of a status: a clip's
-- status is its render state (queued, rendering, complete, failed), which invalidation must not
-- overwrite. `invalidated_at` says when, `invalidation_log_id` which logged change did it (and why).
--
-- The log learns the change itself (stage, kind, scope, scene), so a scene-level change, which has no
-- stage version of its own, can be logged; which stage versions it only flagged out of sync (a
-- hand-edited script leaves the beat sheet 'outdated', never invalidated); and its estimate to the
-- millionth of a credit with the shadow price of offline work, as the ledger keeps money since 005.

ALTER TABLE shots
    ADD COLUMN invalidated_at TIMESTAMPTZ,
    ADD COLUMN invalidation_log_id UUID REFERENCES invalidation_logs(id) ON DELETE SET NULL;
ALTER TABLE frames
    ADD COLUMN invalidated_at TIMESTAMPTZ,
    ADD COLUMN invalidation_log_id UUID REFERENCES invalidation_logs(id) ON DELETE SET NULL;
ALTER TABLE videos
    ADD COLUMN invalidated_at TIMESTAMPTZ,
    ADD COLUMN invalidation_log_id UUID REFERENCES invalidation_logs(id) ON DELETE SET NULL;

-- Deleting a log (with its branch) sets these to NULL; without an index each delete scans the table.
CREATE INDEX idx_shots_invalidation_log ON shots(invalidation_log_id) WHERE invalidation_log_id IS NOT NULL;
CREATE INDEX idx_frames_invalidation_log ON frames(invalidation_log_id) WHERE invalidation_log_id IS NOT NULL;
CREATE INDEX idx_videos_invalidation_log ON videos(invalidation_log_id) WHERE invalidation_log_id IS NOT NULL;

ALTER TABLE invalidation_logs
    ALTER COLUMN triggering_stage_state_id DROP NOT NULL,
    ALTER COLUMN estimated_regen_cost TYPE NUMERIC(16,6),
    ADD COLUMN stage_number INTEGER CHECK (stage_number BETWEEN 1 AND 12),
    ADD COLUMN change_kind TEXT CHECK (change_kind IN ('regenerate', 'edit')),
    ADD COLUMN change_scope TEXT CHECK (change_scope IN ('global', 'scene', 'scene_end_state')),
    ADD COLUMN scene_id UUID REFERENCES scenes(id) ON DELETE SET NULL,
    ADD COLUMN flagged_stage_states UUID[] NOT NULL DEFAULT '{}',
    ADD COLUMN estimated_shadow_cost NUMERIC(16,6) NOT NULL DEFAULT 0 CHECK (estimated_shadow_cost >= 0),
    -- every log names what triggered it: a stage version, or (for a scene's work) the stage it changed
    ADD CONSTRAINT invalidation_logs_names_its_trigger
        CHECK (triggering_stage_state_id IS NOT NULL OR stage_number IS NOT NULL);

-- Restrictive, AND-ed with 003's policy: the scene a log names is one of the user's own, on the log's branch.
-- (A sub-select of `scenes`, whose own policy hides other users' rows, so no helper function is needed.)
CREATE POLICY "references are own: invalidation_logs scene" ON invalidation_logs AS RESTRICTIVE FOR ALL
    TO authenticated USING (true)
    WITH CHECK (scene_id IS NULL
                OR scene_id IN (SELECT s.id FROM scenes s WHERE s.branch_id = invalidation_logs.branch_id));
