-- Scenes are versioned, never deleted.
--
-- Locking Stage 5 writes the branch's scenes from the locked script. Until now a re-lock deleted the
-- old scenes, and with them (cascading) their shots, frames, clips and asset instances, and cut the
-- ledger's link to them: paid work destroyed. Now a re-lock writes the script's scenes as the next
-- scene `version` of the branch and marks the scenes before them `superseded_at`: kept whole, with
-- everything hanging off them, readable in history, compare and the ledger.
--
--   live scenes     superseded_at IS NULL: one per scene number (a partial unique index); every
--                   reader of current work (snapshots, the hub, stage reached, the projection) reads these
--   superseded      history: never updated again, never deleted except with their branch or project
--   provenance      `written_from_stage_id`, the locked Stage 5 version whose lock wrote the scene, so
--                   locking the same version twice writes nothing new
--
-- A fork copies every scene version (as it copies every stage version): deleting the parent later
-- must not lose the history the fork was made from.

ALTER TABLE scenes
    ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    ADD COLUMN superseded_at TIMESTAMPTZ,
    ADD COLUMN written_from_stage_id UUID REFERENCES stage_states(id) ON DELETE SET NULL;

ALTER TABLE scenes DROP CONSTRAINT scenes_branch_id_scene_number_key;
ALTER TABLE scenes ADD CONSTRAINT scenes_branch_version_number_key UNIQUE (branch_id, version, scene_number);
CREATE UNIQUE INDEX idx_scenes_live_number ON scenes(branch_id, scene_number) WHERE superseded_at IS NULL;
-- deleting a stage version (with its branch) sets these to NULL; without an index each delete scans scenes
CREATE INDEX idx_scenes_written_from ON scenes(written_from_stage_id) WHERE written_from_stage_id IS NOT NULL;

-- Restrictive, AND-ed with 003's and 007's policies: a scene is written from one of the branch's own versions.
CREATE POLICY "references are own: scenes written from" ON scenes AS RESTRICTIVE FOR ALL TO authenticated
    USING (true)
    WITH CHECK (written_from_stage_id IS NULL
                OR written_from_stage_id IN (SELECT s.id FROM stage_states s WHERE s.branch_id = scenes.branch_id));

CREATE FUNCTION refuse_scene_loss() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    -- depth > 1: an ON DELETE CASCADE / SET NULL of the branch, project or a referenced row
    IF pg_trigger_depth() > 1 THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'scene % (version %) cannot be deleted', OLD.scene_number, OLD.version
            USING ERRCODE = 'P0001', HINT = 'Scenes are versioned: write a new scene version; the old one is kept.';
    END IF;
    IF OLD.superseded_at IS NOT NULL THEN
        RAISE EXCEPTION 'scene % version % is superseded history and cannot be changed', OLD.scene_number, OLD.version
            USING ERRCODE = 'P0001', HINT = 'Work on the live scene of this number instead.';
    END IF;
    IF NEW.version IS DISTINCT FROM OLD.version OR NEW.branch_id IS DISTINCT FROM OLD.branch_id
        OR NEW.scene_number IS DISTINCT FROM OLD.scene_number
        OR NEW.written_from_stage_id IS DISTINCT FROM OLD.written_from_stage_id THEN
        RAISE EXCEPTION 'scene % version % cannot change its identity', OLD.scene_number, OLD.version
            USING ERRCODE = 'P0001', HINT = 'Write a new scene version instead.';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER scenes_never_lost
    BEFORE UPDATE OR DELETE ON scenes
    FOR EACH ROW EXECUTE FUNCTION refuse_scene_loss();

-- The fork copy of 010, now carrying each scene's version, supersession and provenance (remapped to
-- the fork's copy of the Stage 5 version). Otherwise 010's body; see 006 for why it is SECURITY DEFINER.
CREATE OR REPLACE FUNCTION aiuteur_private.copy_into_fork(p_source UUID, p_target UUID, p_at INTEGER) RETURNS JSONB
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = public, pg_temp
    SET jit = off
    AS $$
DECLARE
    copied JSONB;
BEGIN
    PERFORM 1
       FROM branches s JOIN projects p ON p.id = s.project_id JOIN branches t ON t.project_id = s.project_id
      WHERE s.id = p_source AND t.id = p_target AND p.user_id = auth.uid()
        AND t.parent_branch_id = s.id AND t.branched_at_stage = p_at
        AND NOT EXISTS (SELECT 1 FROM stage_states WHERE branch_id = p_target)
        AND NOT EXISTS (SELECT 1 FROM project_assets WHERE branch_id = p_target)
        AND NOT EXISTS (SELECT 1 FROM scenes WHERE branch_id = p_target);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'branch % is not an empty fork of branch % at stage % owned by the signed-in user',
            p_target, p_source, p_at USING ERRCODE = '42501';
    END IF;

    WITH
    versions AS (
        INSERT INTO stage_states (branch_id, stage_number, version, status, inherited_from_stage_id, overrides,
               content, prompt_template_version, final_prompt, regeneration_guidance, provider, model, seed,
               input_versions, generation, cost_credits, created_at, created_by)
        SELECT p_target, stage_number, version, status, id, overrides,
               content, prompt_template_version, final_prompt, regeneration_guidance, provider, model, seed,
               input_versions, generation, cost_credits, created_at, created_by
          FROM stage_states WHERE branch_id = p_source AND stage_number <= p_at
        RETURNING id, inherited_from_stage_id),
    src_scenes AS MATERIALIZED (SELECT * FROM scenes WHERE branch_id = p_source AND p_at >= 6),
    src_shots AS MATERIALIZED (
        SELECT sh.* FROM shots sh JOIN src_scenes sc ON sc.id = sh.scene_id WHERE p_at >= 7),
    src_frames AS MATERIALIZED (
        SELECT f.* FROM frames f JOIN src_shots sh ON sh.id = f.shot_id WHERE p_at >= 10),
    assets AS (
        INSERT INTO project_assets (id, project_id, branch_id, global_asset_id, name, asset_type, description,
               image_key_url, scene_numbers, locked, created_at)
        SELECT aiuteur_private.fork_id(p_target, id), project_id, p_target, global_asset_id, name, asset_type,
               description, image_key_url, scene_numbers, locked, created_at
          FROM project_assets WHERE branch_id = p_source AND p_at >= 5
        RETURNING 1),
    new_scenes AS (
        INSERT INTO scenes (id, branch_id, scene_number, slug, script_excerpt, status, end_state_summary,
               end_frame_id, created_at, version, superseded_at, written_from_stage_id)
        SELECT aiuteur_private.fork_id(p_target, sc.id), p_target, sc.scene_number, sc.slug, sc.script_excerpt,
               CASE WHEN (sc.status = 'video_complete' AND p_at < 12) OR (sc.status = 'frames_locked' AND p_at < 10)
                         OR (sc.status = 'shot_list_ready' AND p_at < 7)
                    THEN CASE WHEN p_at >= 10 THEN 'frames_locked' WHEN p_at >= 7 THEN 'shot_list_ready'
                              ELSE 'draft' END
                    ELSE sc.status END,
               sc.end_state_summary,
               CASE WHEN sc.end_frame_id IN (SELECT id FROM src_frames)
                    THEN aiuteur_private.fork_id(p_target, sc.end_frame_id) END,
               sc.created_at, sc.version, sc.superseded_at,
               (SELECT v.id FROM versions v WHERE v.inherited_from_stage_id = sc.written_from_stage_id)
          FROM src_scenes sc
        RETURNING 1),
    new_shots AS (
        INSERT INTO shots (id, scene_id, shot_id, shot_order, duration, dialogue, action, characters, setting,
               camera_spec, continuity_flags, frame_prompt, video_prompt, requires_end_frame,
               frames_approved, video_approved, invalidated_at, invalidation_log_id, created_at)
        SELECT aiuteur_private.fork_id(p_target, sh.id), aiuteur_private.fork_id(p_target, sh.scene_id),
               sh.shot_id, sh.shot_order, sh.duration, sh.dialogue, sh.action, sh.characters, sh.setting,
               sh.camera_spec, sh.continuity_flags,
               CASE WHEN p_at >= 9 THEN sh.frame_prompt END, CASE WHEN p_at >= 9 THEN sh.video_prompt END,
               CASE WHEN p_at >= 9 THEN sh.requires_end_frame ELSE true END,
               sh.frames_approved AND p_at >= 10, sh.video_approved AND p_at >= 12,
               sh.invalidated_at, sh.invalidation_log_id, sh.created_at
          FROM src_shots sh
        RETURNING 1),
    instances AS (
        INSERT INTO scene_asset_instances (id, scene_id, project_asset_id, description_override, image_key_url,
               status_tags, carry_forward, inherited_from_scene_id, created_at)
        SELECT aiuteur_private.fork_id(p_target, i.id), aiuteur_private.fork_id(p_target, i.scene_id),
               aiuteur_private.fork_id(p_target, i.project_asset_id), i.description_override, i.image_key_url,
               i.status_tags, i.carry_forward,
               CASE WHEN i.inherited_from_scene_id IN (SELECT id FROM src_scenes)
                    THEN aiuteur_private.fork_id(p_target, i.inherited_from_scene_id) END,
               i.created_at
          FROM scene_asset_instances i JOIN src_scenes sc ON sc.id = i.scene_id
         WHERE p_at >= 8
           AND i.project_asset_id IN (SELECT id FROM project_assets WHERE branch_id = p_source)
        RETURNING 1),
    new_frames AS (
        INSERT INTO frames (id, shot_id, frame_type, prompt, prior_frame_id, image_url, approved,
               regeneration_count, invalidated_at, invalidation_log_id, created_at, cost_credits)
        SELECT aiuteur_private.fork_id(p_target, f.id), aiuteur_private.fork_id(p_target, f.shot_id),
               f.frame_type, f.prompt,
               CASE WHEN f.prior_frame_id IN (SELECT id FROM src_frames)
                    THEN aiuteur_private.fork_id(p_target, f.prior_frame_id) END,
               f.image_url, f.approved, f.regeneration_count, f.invalidated_at, f.invalidation_log_id,
               f.created_at, f.cost_credits
          FROM src_frames f
        RETURNING 1),
    clips AS (
        INSERT INTO videos (id, shot_id, start_frame_id, end_frame_id, video_prompt, video_url, approved, status,
               error_message, invalidated_at, invalidation_log_id, created_at, completed_at, cost_credits, version)
        SELECT aiuteur_private.fork_id(p_target, v.id), aiuteur_private.fork_id(p_target, v.shot_id),
               aiuteur_private.fork_id(p_target, v.start_frame_id),
               CASE WHEN v.end_frame_id IN (SELECT id FROM src_frames)
                    THEN aiuteur_private.fork_id(p_target, v.end_frame_id) END,
               v.video_prompt, v.video_url, v.approved, v.status, v.error_message, v.invalidated_at,
               v.invalidation_log_id, v.created_at, v.completed_at, v.cost_credits, v.version
          FROM videos v JOIN src_shots sh ON sh.id = v.shot_id
         WHERE p_at >= 12 AND v.start_frame_id IN (SELECT id FROM src_frames)
        RETURNING 1)
    SELECT jsonb_build_object(
               'stage_states', (SELECT count(*) FROM versions), 'project_assets', (SELECT count(*) FROM assets),
               'scenes', (SELECT count(*) FROM new_scenes), 'shots', (SELECT count(*) FROM new_shots),
               'scene_asset_instances', (SELECT count(*) FROM instances),
               'frames', (SELECT count(*) FROM new_frames), 'videos', (SELECT count(*) FROM clips))
      INTO copied;
    RETURN copied;
END
$$;

-- Stage reached, as in 010, counting live scenes only: superseded scenes are history.
CREATE OR REPLACE FUNCTION aiuteur_private.stage_reached(p_branch UUID) RETURNS INTEGER
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
DECLARE
    versions INTEGER;
BEGIN
    PERFORM 1 FROM branches b JOIN projects p ON p.id = b.project_id WHERE b.id = p_branch AND p.user_id = auth.uid();
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT coalesce(max(stage_number), 0) INTO versions
      FROM stage_states WHERE branch_id = p_branch AND status <> 'invalidated';
    RETURN greatest(versions, CASE
        WHEN versions >= 12 THEN 0
        WHEN EXISTS (SELECT 1 FROM scenes sc, LATERAL (
                SELECT 1 FROM shots sh, LATERAL (
                    SELECT 1 FROM frames f WHERE f.shot_id = sh.id AND f.invalidated_at IS NULL LIMIT 1) hit
                 WHERE sh.scene_id = sc.id LIMIT 1) work
             WHERE sc.branch_id = p_branch AND sc.status <> 'outdated' AND sc.superseded_at IS NULL)
        THEN CASE WHEN EXISTS (SELECT 1 FROM scenes sc, LATERAL (
                SELECT 1 FROM shots sh, LATERAL (
                    SELECT 1 FROM videos v WHERE v.shot_id = sh.id AND v.invalidated_at IS NULL LIMIT 1) hit
                 WHERE sh.scene_id = sc.id LIMIT 1) work
             WHERE sc.branch_id = p_branch AND sc.status <> 'outdated' AND sc.superseded_at IS NULL) THEN 12 ELSE 10 END
        WHEN versions >= 9 THEN 0
        WHEN EXISTS (SELECT 1 FROM scenes sc, LATERAL (
                SELECT 1 FROM shots sh WHERE sh.scene_id = sc.id AND sh.invalidated_at IS NULL
                   AND (sh.frame_prompt IS NOT NULL OR sh.video_prompt IS NOT NULL) LIMIT 1) work
             WHERE sc.branch_id = p_branch AND sc.status <> 'outdated' AND sc.superseded_at IS NULL) THEN 9
        WHEN versions >= 8 THEN 0
        WHEN EXISTS (SELECT 1 FROM scenes sc, LATERAL (
                SELECT 1 FROM scene_asset_instances i WHERE i.scene_id = sc.id LIMIT 1) work
             WHERE sc.branch_id = p_branch AND sc.status <> 'outdated' AND sc.superseded_at IS NULL) THEN 8
        WHEN versions >= 7 THEN 0
        WHEN EXISTS (SELECT 1 FROM scenes sc, LATERAL (
                SELECT 1 FROM shots sh WHERE sh.scene_id = sc.id AND sh.invalidated_at IS NULL LIMIT 1) work
             WHERE sc.branch_id = p_branch AND sc.status <> 'outdated' AND sc.superseded_at IS NULL) THEN 7
        WHEN EXISTS (SELECT 1 FROM scenes sc WHERE sc.branch_id = p_branch AND sc.status <> 'outdated' AND sc.superseded_at IS NULL) THEN 6
        ELSE 0 END);
END
$$;
