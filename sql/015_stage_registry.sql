-- The stage registry in the database: which rows each stage owns, so the fork copy and "stage reached"
-- derive from `core.pipeline` instead of repeating its stage numbers (010, 011 had them as literals).
--
-- `aiuteur_private.stage_rows` is written from the registry by every migrating boot
-- (`db.registry.sync_stage_rows`); the rows below are the registry as this migration was written, so the
-- functions work before the first sync. `counts_for_reach`: the stage is reached when its rows hold live
-- work (per-scene stages); a global stage is reached by its versions.

CREATE TABLE aiuteur_private.stage_rows (
    stage_number INTEGER NOT NULL CHECK (stage_number BETWEEN 1 AND 12),
    rows TEXT NOT NULL CHECK (rows ~ '^[a-z_]+$'),
    counts_for_reach BOOLEAN NOT NULL,
    PRIMARY KEY (stage_number, rows)
);
REVOKE ALL ON aiuteur_private.stage_rows FROM PUBLIC;
ALTER TABLE aiuteur_private.stage_rows ENABLE ROW LEVEL SECURITY;  -- no policy: only the owner's functions read it

INSERT INTO aiuteur_private.stage_rows (stage_number, rows, counts_for_reach) VALUES
    (1, 'stage_states', false), (2, 'stage_states', false), (3, 'stage_states', false),
    (4, 'stage_states', false), (5, 'stage_states', false), (5, 'project_assets', false),
    (6, 'scenes', true), (7, 'shots', true), (8, 'scene_asset_instances', true), (9, 'shot_prompts', true),
    (10, 'frames', true), (12, 'videos', true);

-- Whether a branch's live scenes hold live rows of one kind (the look-ups 010 tuned, one per kind).
CREATE FUNCTION aiuteur_private.has_live_work(p_branch UUID, p_rows TEXT) RETURNS BOOLEAN
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
    SELECT CASE p_rows
        WHEN 'scenes' THEN EXISTS (SELECT 1 FROM scenes sc WHERE sc.branch_id = p_branch AND sc.status <> 'outdated' AND sc.superseded_at IS NULL)
        WHEN 'shots' THEN EXISTS (SELECT 1 FROM scenes sc, LATERAL (
                SELECT 1 FROM shots sh WHERE sh.scene_id = sc.id AND sh.invalidated_at IS NULL LIMIT 1) work
             WHERE sc.branch_id = p_branch AND sc.status <> 'outdated' AND sc.superseded_at IS NULL)
        WHEN 'scene_asset_instances' THEN EXISTS (SELECT 1 FROM scenes sc, LATERAL (
                SELECT 1 FROM scene_asset_instances i WHERE i.scene_id = sc.id LIMIT 1) work
             WHERE sc.branch_id = p_branch AND sc.status <> 'outdated' AND sc.superseded_at IS NULL)
        WHEN 'shot_prompts' THEN EXISTS (SELECT 1 FROM scenes sc, LATERAL (
                SELECT 1 FROM shots sh WHERE sh.scene_id = sc.id AND sh.invalidated_at IS NULL
                   AND (sh.frame_prompt IS NOT NULL OR sh.video_prompt IS NOT NULL) LIMIT 1) work
             WHERE sc.branch_id = p_branch AND sc.status <> 'outdated' AND sc.superseded_at IS NULL)
        WHEN 'frames' THEN EXISTS (SELECT 1 FROM scenes sc, LATERAL (
                SELECT 1 FROM shots sh, LATERAL (
                    SELECT 1 FROM frames f WHERE f.shot_id = sh.id AND f.invalidated_at IS NULL LIMIT 1) hit
                 WHERE sh.scene_id = sc.id LIMIT 1) work
             WHERE sc.branch_id = p_branch AND sc.status <> 'outdated' AND sc.superseded_at IS NULL)
        WHEN 'videos' THEN EXISTS (SELECT 1 FROM scenes sc, LATERAL (
                SELECT 1 FROM shots sh, LATERAL (
                    SELECT 1 FROM videos v WHERE v.shot_id = sh.id AND v.invalidated_at IS NULL LIMIT 1) hit
                 WHERE sh.scene_id = sc.id LIMIT 1) work
             WHERE sc.branch_id = p_branch AND sc.status <> 'outdated' AND sc.superseded_at IS NULL)
        ELSE false END
$$;
REVOKE ALL ON FUNCTION aiuteur_private.has_live_work(UUID, TEXT) FROM PUBLIC;

-- Stage reached: the furthest live stage version, or the furthest registry stage whose rows hold live work.
CREATE OR REPLACE FUNCTION aiuteur_private.stage_reached(p_branch UUID) RETURNS INTEGER
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
DECLARE
    versions INTEGER;
    owned RECORD;
BEGIN
    PERFORM 1 FROM branches b JOIN projects p ON p.id = b.project_id WHERE b.id = p_branch AND p.user_id = auth.uid();
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT coalesce(max(stage_number), 0) INTO versions
      FROM stage_states WHERE branch_id = p_branch AND status <> 'invalidated';
    FOR owned IN SELECT r.stage_number, r.rows FROM aiuteur_private.stage_rows r
                  WHERE r.counts_for_reach AND r.stage_number > versions ORDER BY r.stage_number DESC LOOP
        IF aiuteur_private.has_live_work(p_branch, owned.rows) THEN
            RETURN owned.stage_number;
        END IF;
    END LOOP;
    RETURN versions;
END
$$;

-- The fork copy of 011, carrying exactly the rows the registry says stages up to p_at own.
CREATE OR REPLACE FUNCTION aiuteur_private.copy_into_fork(p_source UUID, p_target UUID, p_at INTEGER) RETURNS JSONB
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = public, pg_temp
    SET jit = off
    AS $$
DECLARE
    copied JSONB;
    carry TEXT[] := ARRAY(SELECT r.rows FROM aiuteur_private.stage_rows r WHERE r.stage_number <= p_at);
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
    src_scenes AS MATERIALIZED (SELECT * FROM scenes WHERE branch_id = p_source AND 'scenes' = ANY(carry)),
    src_shots AS MATERIALIZED (
        SELECT sh.* FROM shots sh JOIN src_scenes sc ON sc.id = sh.scene_id WHERE 'shots' = ANY(carry)),
    src_frames AS MATERIALIZED (
        SELECT f.* FROM frames f JOIN src_shots sh ON sh.id = f.shot_id WHERE 'frames' = ANY(carry)),
    assets AS (
        INSERT INTO project_assets (id, project_id, branch_id, global_asset_id, name, asset_type, description,
               image_key_url, scene_numbers, locked, created_at)
        SELECT aiuteur_private.fork_id(p_target, id), project_id, p_target, global_asset_id, name, asset_type,
               description, image_key_url, scene_numbers, locked, created_at
          FROM project_assets WHERE branch_id = p_source AND 'project_assets' = ANY(carry)
        RETURNING 1),
    new_scenes AS (
        INSERT INTO scenes (id, branch_id, scene_number, slug, script_excerpt, status, end_state_summary,
               end_frame_id, created_at, version, superseded_at, written_from_stage_id)
        SELECT aiuteur_private.fork_id(p_target, sc.id), p_target, sc.scene_number, sc.slug, sc.script_excerpt,
               CASE WHEN (sc.status = 'video_complete' AND NOT 'videos' = ANY(carry))
                         OR (sc.status = 'frames_locked' AND NOT 'frames' = ANY(carry))
                         OR (sc.status = 'shot_list_ready' AND NOT 'shots' = ANY(carry))
                    THEN CASE WHEN 'frames' = ANY(carry) THEN 'frames_locked'
                              WHEN 'shots' = ANY(carry) THEN 'shot_list_ready' ELSE 'draft' END
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
               CASE WHEN 'shot_prompts' = ANY(carry) THEN sh.frame_prompt END,
               CASE WHEN 'shot_prompts' = ANY(carry) THEN sh.video_prompt END,
               CASE WHEN 'shot_prompts' = ANY(carry) THEN sh.requires_end_frame ELSE true END,
               sh.frames_approved AND 'frames' = ANY(carry), sh.video_approved AND 'videos' = ANY(carry),
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
         WHERE 'scene_asset_instances' = ANY(carry)
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
         WHERE 'videos' = ANY(carry) AND v.start_frame_id IN (SELECT id FROM src_frames)
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
