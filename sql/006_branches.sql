-- Branches: copying a branch's work into a fork in one statement, the stage a branch has reached,
-- which media keys are still in use anywhere, and the indexes that deleting a branch walks.

CREATE SCHEMA IF NOT EXISTS aiuteur_private;
REVOKE ALL ON SCHEMA aiuteur_private FROM PUBLIC;
GRANT USAGE ON SCHEMA aiuteur_private TO authenticated, service_role;

-- A copied row's id is derived from (new branch, source row), so every reference inside the branch
-- is remapped by computing the same id, with no mapping table: an md5 name-based UUID (version 3
-- layout). One expression, so the planner inlines it.
CREATE FUNCTION aiuteur_private.fork_id(new_branch UUID, source_id UUID) RETURNS UUID
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT overlay(overlay(md5(new_branch::text || source_id::text) PLACING '3' FROM 13)
                         PLACING '8' FROM 17)::uuid $$;

-- Copy into `target`, a fork just made of `source` at `at_stage`, everything `source` holds up to and
-- including that stage: every version of those stages (numbers, statuses, provenance kept, each
-- pointing at its source row), from Stage 5 the assets, 6 scenes, 7 shots, 8 scene asset instances,
-- 10 frames, 12 clips; media keys are shared, never copied. A scene or shot never claims work the
-- fork doesn't carry: statuses step back (video_complete -> frames_locked -> shot_list_ready), Stage 9
-- prompts and the frame/clip approvals are left out below their stage. Rows keep their invalidation.
--
-- Why a SECURITY DEFINER function: a fork at Stage 12 of a 200-scene film writes ~10,000 rows, and
-- as `authenticated` every row pays for the row-level security checks (and 007's per-row reference
-- checks), several times the cost of the copy. The function checks ownership once, up front: both
-- branches are the signed-in user's, in one project, `target` was forked from `source` at
-- `at_stage` and is still empty. Every reference it writes is to the target branch or, unchanged, to
-- a row the source already referenced (all the user's own). One statement, so one snapshot: a
-- concurrent edit of the source is copied whole or not at all. (plpgsql: its body is bound when it
-- runs, after the later migrations that add columns it copies.)
CREATE FUNCTION aiuteur_private.copy_into_fork(p_source UUID, p_target UUID, p_at INTEGER) RETURNS JSONB
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
               input_versions, cost_credits, created_at, created_by)
        SELECT p_target, stage_number, version, status, id, overrides,
               content, prompt_template_version, final_prompt, regeneration_guidance, provider, model, seed,
               input_versions, cost_credits, created_at, created_by
          FROM stage_states WHERE branch_id = p_source AND stage_number <= p_at
        RETURNING 1),
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
               end_frame_id, created_at)
        SELECT aiuteur_private.fork_id(p_target, sc.id), p_target, sc.scene_number, sc.slug, sc.script_excerpt,
               CASE WHEN (sc.status = 'video_complete' AND p_at < 12) OR (sc.status = 'frames_locked' AND p_at < 10)
                         OR (sc.status = 'shot_list_ready' AND p_at < 7)
                    THEN CASE WHEN p_at >= 10 THEN 'frames_locked' WHEN p_at >= 7 THEN 'shot_list_ready'
                              ELSE 'draft' END
                    ELSE sc.status END,
               sc.end_state_summary,
               CASE WHEN sc.end_frame_id IN (SELECT id FROM src_frames)
                    THEN aiuteur_private.fork_id(p_target, sc.end_frame_id) END,
               sc.created_at
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

-- The stage a branch has reached: its highest stage version that isn't invalidated, or the furthest
-- scene work it holds (Phase B work lives in its own tables, not always in stage versions): clips 12,
-- frames 10, Stage 9 prompts 9, asset instances 8, shots 7, scenes 6. Outdated scenes and
-- invalidated shots, frames and clips don't count. NULL for a branch that isn't the signed-in user's.
-- SECURITY DEFINER for speed, not reach: as `authenticated`, the first look at a clip or frame makes
-- row-level security hash every shot the user has, which costs more than the whole answer.
CREATE FUNCTION aiuteur_private.stage_reached(p_branch UUID) RETURNS INTEGER
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
DECLARE
    versions INTEGER;
    live_scenes UUID[];
    live_shots UUID[];
BEGIN
    PERFORM 1 FROM branches b JOIN projects p ON p.id = b.project_id WHERE b.id = p_branch AND p.user_id = auth.uid();
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT max(stage_number) INTO versions FROM stage_states WHERE branch_id = p_branch AND status <> 'invalidated';
    IF versions = 12 THEN
        RETURN versions;
    END IF;
    live_scenes := array(SELECT id FROM scenes WHERE branch_id = p_branch AND status <> 'outdated');
    live_shots := array(SELECT id FROM shots WHERE scene_id = ANY (live_scenes));
    -- joins from the ids (not `= ANY`): a cached plan can't know how many there are and would scan
    RETURN coalesce(greatest(versions, CASE
        WHEN EXISTS (SELECT 1 FROM unnest(live_shots) s(id) JOIN videos v ON v.shot_id = s.id
                      WHERE v.invalidated_at IS NULL) THEN 12
        WHEN EXISTS (SELECT 1 FROM unnest(live_shots) s(id) JOIN frames f ON f.shot_id = s.id
                      WHERE f.invalidated_at IS NULL) THEN 10
        WHEN EXISTS (SELECT 1 FROM unnest(live_shots) s(id) JOIN shots sh ON sh.id = s.id
                      WHERE sh.invalidated_at IS NULL
                        AND (sh.frame_prompt IS NOT NULL OR sh.video_prompt IS NOT NULL)) THEN 9
        WHEN EXISTS (SELECT 1 FROM unnest(live_scenes) s(id) JOIN scene_asset_instances i ON i.scene_id = s.id) THEN 8
        WHEN EXISTS (SELECT 1 FROM unnest(live_shots) s(id) JOIN shots sh ON sh.id = s.id
                      WHERE sh.invalidated_at IS NULL) THEN 7
        WHEN cardinality(live_scenes) > 0 THEN 6 END), 0);
END
$$;

-- Media is content-addressed and shared by key across branches, projects and users (identical
-- bytes are stored once), so whether a key may be garbage-collected can't be decided from what
-- row-level security lets one user see. This answers only "which of these keys does any row still
-- use", running as the owner to see every user's rows.
CREATE FUNCTION aiuteur_private.media_keys_in_use(keys TEXT[]) RETURNS SETOF TEXT
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
        SELECT image_url FROM frames WHERE image_url = ANY (keys)
        UNION SELECT video_url FROM videos WHERE video_url = ANY (keys)
        UNION SELECT image_key_url FROM project_assets WHERE image_key_url = ANY (keys)
        UNION SELECT image_key_url FROM scene_asset_instances WHERE image_key_url = ANY (keys)
        UNION SELECT image_key_url FROM global_assets WHERE image_key_url = ANY (keys)
    $$;

REVOKE ALL ON FUNCTION aiuteur_private.fork_id(UUID, UUID) FROM PUBLIC;
REVOKE ALL ON FUNCTION aiuteur_private.copy_into_fork(UUID, UUID, INTEGER) FROM PUBLIC;
REVOKE ALL ON FUNCTION aiuteur_private.stage_reached(UUID) FROM PUBLIC;
REVOKE ALL ON FUNCTION aiuteur_private.media_keys_in_use(TEXT[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aiuteur_private.fork_id(UUID, UUID) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION aiuteur_private.copy_into_fork(UUID, UUID, INTEGER) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION aiuteur_private.stage_reached(UUID) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION aiuteur_private.media_keys_in_use(TEXT[]) TO authenticated, service_role;

-- Media look-ups by key.
CREATE INDEX idx_frames_image ON frames(image_url);
CREATE INDEX idx_videos_video ON videos(video_url);
CREATE INDEX idx_project_assets_image ON project_assets(image_key_url) WHERE image_key_url IS NOT NULL;
CREATE INDEX idx_scene_instances_image ON scene_asset_instances(image_key_url) WHERE image_key_url IS NOT NULL;
CREATE INDEX idx_global_assets_image ON global_assets(image_key_url) WHERE image_key_url IS NOT NULL;

-- Deleting a branch deletes or un-references rows through these foreign keys, one look-up per deleted
-- row; without an index each look-up scans the whole table (a 4,000-frame branch took 49 s).
CREATE INDEX idx_frames_prior ON frames(prior_frame_id) WHERE prior_frame_id IS NOT NULL;
CREATE INDEX idx_videos_start_frame ON videos(start_frame_id);
CREATE INDEX idx_videos_end_frame ON videos(end_frame_id) WHERE end_frame_id IS NOT NULL;
CREATE INDEX idx_scenes_end_frame ON scenes(end_frame_id) WHERE end_frame_id IS NOT NULL;
CREATE INDEX idx_stage_states_inherited ON stage_states(inherited_from_stage_id)
    WHERE inherited_from_stage_id IS NOT NULL;
CREATE INDEX idx_invalidation_logs_trigger ON invalidation_logs(triggering_stage_state_id);
CREATE INDEX idx_scene_instances_asset ON scene_asset_instances(project_asset_id);
CREATE INDEX idx_branches_parent ON branches(parent_branch_id) WHERE parent_branch_id IS NOT NULL;
CREATE INDEX idx_cost_ledger_branch ON cost_ledger(branch_id) WHERE branch_id IS NOT NULL;
CREATE INDEX idx_cost_ledger_scene ON cost_ledger(scene_id) WHERE scene_id IS NOT NULL;
CREATE INDEX idx_cost_ledger_shot ON cost_ledger(shot_id) WHERE shot_id IS NOT NULL;
CREATE INDEX idx_generation_jobs_branch ON generation_jobs(branch_id);
