-- Phase B's rows: per-scene stage versions, shot lists versioned like scenes, and the columns frames,
-- clips and the assembled film need.
--
--   scene_stage_versions   every generation or saved edit of a scene's shot list (7), visual definition (8),
--                          prompts (9), frame lock (10), cost confirmation (11) and review (12): immutable
--                          history as `stage_states` is for the global stages (the same trigger guards it)
--   shots                  a new shot list supersedes the scene's live shots instead of deleting them: their
--                          frames, clips and ledger rows stay readable (one live shot per id and scene)
--   frames, videos         what made them (provider, model, seed, references, guidance, job); a regenerated
--                          frame or an iterated clip supersedes the one before, which stays as history; a
--                          clip's Veo operation name, so a replacement worker resumes polling it
--   film_cuts              each assembly of the film: its media, its parts, what was still missing
--
-- Live rows (what readers of current work see) have `superseded_at IS NULL`.

CREATE TABLE scene_stage_versions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    branch_id UUID NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    scene_id UUID NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
    stage_number INTEGER NOT NULL CHECK (stage_number BETWEEN 7 AND 12),
    version INTEGER NOT NULL CHECK (version >= 1),
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'locked', 'invalidated', 'outdated')),
    content JSONB NOT NULL,
    overrides JSONB,
    inherited_from_id UUID REFERENCES scene_stage_versions(id) ON DELETE SET NULL,
    prompt_template_version TEXT,
    final_prompt TEXT,
    regeneration_guidance TEXT,
    provider TEXT,
    model TEXT,
    seed BIGINT,
    input_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
    generation JSONB NOT NULL DEFAULT '{}'::jsonb,
    cost_credits NUMERIC(12,4) NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by UUID DEFAULT auth.uid() REFERENCES auth.users(id) ON DELETE SET NULL,
    UNIQUE (scene_id, stage_number, version)
);
CREATE INDEX idx_scene_versions_branch ON scene_stage_versions(branch_id, stage_number);
CREATE INDEX idx_scene_versions_inherited ON scene_stage_versions(inherited_from_id) WHERE inherited_from_id IS NOT NULL;

ALTER TABLE scene_stage_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY "scene versions of own scenes" ON scene_stage_versions FOR ALL TO authenticated
    USING (scene_id IN (SELECT id FROM scenes))
    WITH CHECK (scene_id IN (SELECT id FROM scenes));
CREATE FUNCTION aiuteur_private.scene_version_is_theirs(target uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT EXISTS (
        SELECT 1 FROM scene_stage_versions v JOIN branches b ON b.id = v.branch_id JOIN projects p ON p.id = b.project_id
         WHERE v.id = target AND p.user_id IS DISTINCT FROM auth.uid()) $$;
REVOKE ALL ON FUNCTION aiuteur_private.scene_version_is_theirs(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aiuteur_private.scene_version_is_theirs(uuid) TO authenticated, service_role;
-- Restrictive: the version's branch is its scene's, and it points only at the user's own rows.
CREATE POLICY "references are own: scene_stage_versions" ON scene_stage_versions AS RESTRICTIVE FOR ALL
    TO authenticated USING (true)
    WITH CHECK (branch_id IN (SELECT s.branch_id FROM scenes s WHERE s.id = scene_stage_versions.scene_id)
                AND NOT aiuteur_private.scene_version_is_theirs(inherited_from_id)
                AND NOT aiuteur_private.user_is_other(created_by));

-- The same guard as stage versions (004, 007): a version past draft never changes its content or identity.
CREATE TRIGGER scene_stage_versions_immutable_when_locked
    BEFORE UPDATE OR DELETE ON scene_stage_versions
    FOR EACH ROW EXECUTE FUNCTION refuse_locked_stage_rewrite();

-- Shot lists are versioned: the shots of list version n+1 supersede version n's, which keep their work.
ALTER TABLE shots
    ADD COLUMN list_version INTEGER NOT NULL DEFAULT 1 CHECK (list_version >= 1),
    ADD COLUMN superseded_at TIMESTAMPTZ,
    ADD COLUMN props TEXT[] NOT NULL DEFAULT '{}',
    ADD COLUMN manually_edited BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN prompts_edited BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN reference_assets JSONB NOT NULL DEFAULT '[]'::jsonb,
    ADD COLUMN end_frame_note TEXT;
ALTER TABLE shots DROP CONSTRAINT shots_scene_id_shot_id_key;
ALTER TABLE shots ADD CONSTRAINT shots_scene_list_version_shot_key UNIQUE (scene_id, list_version, shot_id);
CREATE UNIQUE INDEX idx_shots_live_id ON shots(scene_id, shot_id) WHERE superseded_at IS NULL;

ALTER TABLE frames
    ADD COLUMN provider TEXT,
    ADD COLUMN model TEXT,
    ADD COLUMN seed BIGINT,
    ADD COLUMN guidance TEXT,
    ADD COLUMN reference_keys JSONB NOT NULL DEFAULT '[]'::jsonb,
    ADD COLUMN job_id UUID REFERENCES generation_jobs(id) ON DELETE SET NULL,
    ADD COLUMN superseded_at TIMESTAMPTZ;
CREATE INDEX idx_frames_job ON frames(job_id) WHERE job_id IS NOT NULL;

ALTER TABLE videos DROP CONSTRAINT videos_status_check;
ALTER TABLE videos
    ALTER COLUMN video_url DROP NOT NULL,
    ADD CONSTRAINT videos_status_check CHECK (status IN ('queued', 'rendering', 'complete', 'failed', 'cancelled')),
    ADD COLUMN provider TEXT,
    ADD COLUMN model TEXT,
    ADD COLUMN seconds NUMERIC(6,2),
    ADD COLUMN seed BIGINT,
    ADD COLUMN guidance TEXT,
    ADD COLUMN operation_name TEXT,
    ADD COLUMN used_end_frame BOOLEAN,
    ADD COLUMN ledger_key TEXT,
    ADD COLUMN job_id UUID REFERENCES generation_jobs(id) ON DELETE SET NULL,
    ADD COLUMN superseded_at TIMESTAMPTZ;
CREATE INDEX idx_videos_job ON videos(job_id) WHERE job_id IS NOT NULL;

CREATE TABLE film_cuts (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    branch_id UUID NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'rendering', 'complete', 'failed')),
    media_key TEXT,
    seconds NUMERIC(10,3),
    target_seconds INTEGER,
    dissolve NUMERIC(4,2) NOT NULL DEFAULT 0 CHECK (dissolve >= 0),
    parts JSONB NOT NULL DEFAULT '[]'::jsonb,
    missing_scenes INTEGER[] NOT NULL DEFAULT '{}',
    error TEXT,
    job_id UUID REFERENCES generation_jobs(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at TIMESTAMPTZ,
    created_by UUID DEFAULT auth.uid() REFERENCES auth.users(id) ON DELETE SET NULL
);
CREATE INDEX idx_film_cuts_branch ON film_cuts(branch_id, created_at);
CREATE INDEX idx_film_cuts_job ON film_cuts(job_id) WHERE job_id IS NOT NULL;
ALTER TABLE film_cuts ENABLE ROW LEVEL SECURITY;
CREATE POLICY "film cuts of own branches" ON film_cuts FOR ALL TO authenticated
    USING (branch_id IN (SELECT id FROM branches))
    WITH CHECK (branch_id IN (SELECT id FROM branches));
CREATE POLICY "references are own: film_cuts" ON film_cuts AS RESTRICTIVE FOR ALL TO authenticated
    USING (true) WITH CHECK (NOT aiuteur_private.user_is_other(created_by));

GRANT SELECT, INSERT, UPDATE, DELETE ON scene_stage_versions, film_cuts TO authenticated, service_role;

-- Live work counts only live shots, frames and clips (015's look-ups, with superseded rows left out).
CREATE OR REPLACE FUNCTION aiuteur_private.has_live_work(p_branch UUID, p_rows TEXT) RETURNS BOOLEAN
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
    SELECT CASE p_rows
        WHEN 'scenes' THEN EXISTS (SELECT 1 FROM scenes sc WHERE sc.branch_id = p_branch AND sc.status <> 'outdated' AND sc.superseded_at IS NULL)
        WHEN 'shots' THEN EXISTS (SELECT 1 FROM scenes sc, LATERAL (
                SELECT 1 FROM shots sh WHERE sh.scene_id = sc.id AND sh.invalidated_at IS NULL
                   AND sh.superseded_at IS NULL LIMIT 1) work
             WHERE sc.branch_id = p_branch AND sc.status <> 'outdated' AND sc.superseded_at IS NULL)
        WHEN 'scene_asset_instances' THEN EXISTS (SELECT 1 FROM scenes sc, LATERAL (
                SELECT 1 FROM scene_asset_instances i WHERE i.scene_id = sc.id LIMIT 1) work
             WHERE sc.branch_id = p_branch AND sc.status <> 'outdated' AND sc.superseded_at IS NULL)
        WHEN 'shot_prompts' THEN EXISTS (SELECT 1 FROM scenes sc, LATERAL (
                SELECT 1 FROM shots sh WHERE sh.scene_id = sc.id AND sh.invalidated_at IS NULL
                   AND sh.superseded_at IS NULL
                   AND (sh.frame_prompt IS NOT NULL OR sh.video_prompt IS NOT NULL) LIMIT 1) work
             WHERE sc.branch_id = p_branch AND sc.status <> 'outdated' AND sc.superseded_at IS NULL)
        WHEN 'frames' THEN EXISTS (SELECT 1 FROM scenes sc, LATERAL (
                SELECT 1 FROM shots sh, LATERAL (
                    SELECT 1 FROM frames f WHERE f.shot_id = sh.id AND f.invalidated_at IS NULL
                       AND f.superseded_at IS NULL LIMIT 1) hit
                 WHERE sh.scene_id = sc.id AND sh.superseded_at IS NULL LIMIT 1) work
             WHERE sc.branch_id = p_branch AND sc.status <> 'outdated' AND sc.superseded_at IS NULL)
        WHEN 'videos' THEN EXISTS (SELECT 1 FROM scenes sc, LATERAL (
                SELECT 1 FROM shots sh, LATERAL (
                    SELECT 1 FROM videos v WHERE v.shot_id = sh.id AND v.invalidated_at IS NULL
                       AND v.superseded_at IS NULL LIMIT 1) hit
                 WHERE sh.scene_id = sc.id AND sh.superseded_at IS NULL LIMIT 1) work
             WHERE sc.branch_id = p_branch AND sc.status <> 'outdated' AND sc.superseded_at IS NULL)
        ELSE false END
$$;
REVOKE ALL ON FUNCTION aiuteur_private.has_live_work(UUID, TEXT) FROM PUBLIC;

-- The fork copy of 015, also carrying the per-scene versions of the stages up to p_at, the shot-list
-- versions and the new provenance columns; jobs stay with the branch that ran them.
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
    scene_versions AS (
        INSERT INTO scene_stage_versions (id, branch_id, scene_id, stage_number, version, status, content, overrides,
               inherited_from_id, prompt_template_version, final_prompt, regeneration_guidance, provider, model,
               seed, input_versions, generation, cost_credits, created_at, created_by)
        SELECT aiuteur_private.fork_id(p_target, v.id), p_target, aiuteur_private.fork_id(p_target, v.scene_id),
               v.stage_number, v.version, v.status, v.content, v.overrides, v.id, v.prompt_template_version,
               v.final_prompt, v.regeneration_guidance, v.provider, v.model, v.seed, v.input_versions, v.generation,
               v.cost_credits, v.created_at, v.created_by
          FROM scene_stage_versions v JOIN src_scenes sc ON sc.id = v.scene_id
         WHERE v.stage_number <= p_at
        RETURNING 1),
    new_shots AS (
        INSERT INTO shots (id, scene_id, shot_id, shot_order, duration, dialogue, action, characters, setting,
               camera_spec, continuity_flags, frame_prompt, video_prompt, requires_end_frame,
               frames_approved, video_approved, invalidated_at, invalidation_log_id, created_at,
               list_version, superseded_at, props, manually_edited, prompts_edited, reference_assets, end_frame_note)
        SELECT aiuteur_private.fork_id(p_target, sh.id), aiuteur_private.fork_id(p_target, sh.scene_id),
               sh.shot_id, sh.shot_order, sh.duration, sh.dialogue, sh.action, sh.characters, sh.setting,
               sh.camera_spec, sh.continuity_flags,
               CASE WHEN 'shot_prompts' = ANY(carry) THEN sh.frame_prompt END,
               CASE WHEN 'shot_prompts' = ANY(carry) THEN sh.video_prompt END,
               CASE WHEN 'shot_prompts' = ANY(carry) THEN sh.requires_end_frame ELSE true END,
               sh.frames_approved AND 'frames' = ANY(carry), sh.video_approved AND 'videos' = ANY(carry),
               sh.invalidated_at, sh.invalidation_log_id, sh.created_at,
               sh.list_version, sh.superseded_at, sh.props, sh.manually_edited,
               sh.prompts_edited AND 'shot_prompts' = ANY(carry),
               CASE WHEN 'shot_prompts' = ANY(carry) THEN sh.reference_assets ELSE '[]'::jsonb END,
               CASE WHEN 'shot_prompts' = ANY(carry) THEN sh.end_frame_note END
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
               regeneration_count, invalidated_at, invalidation_log_id, created_at, cost_credits,
               provider, model, seed, guidance, reference_keys, superseded_at)
        SELECT aiuteur_private.fork_id(p_target, f.id), aiuteur_private.fork_id(p_target, f.shot_id),
               f.frame_type, f.prompt,
               CASE WHEN f.prior_frame_id IN (SELECT id FROM src_frames)
                    THEN aiuteur_private.fork_id(p_target, f.prior_frame_id) END,
               f.image_url, f.approved, f.regeneration_count, f.invalidated_at, f.invalidation_log_id,
               f.created_at, f.cost_credits, f.provider, f.model, f.seed, f.guidance, f.reference_keys, f.superseded_at
          FROM src_frames f
        RETURNING 1),
    clips AS (
        INSERT INTO videos (id, shot_id, start_frame_id, end_frame_id, video_prompt, video_url, approved, status,
               error_message, invalidated_at, invalidation_log_id, created_at, completed_at, cost_credits, version,
               provider, model, seconds, seed, guidance, operation_name, used_end_frame, ledger_key, superseded_at)
        SELECT aiuteur_private.fork_id(p_target, v.id), aiuteur_private.fork_id(p_target, v.shot_id),
               aiuteur_private.fork_id(p_target, v.start_frame_id),
               CASE WHEN v.end_frame_id IN (SELECT id FROM src_frames)
                    THEN aiuteur_private.fork_id(p_target, v.end_frame_id) END,
               v.video_prompt, v.video_url, v.approved,
               -- a render in flight belongs to the branch that queued it: the fork's copy says so
               CASE WHEN v.status IN ('queued', 'rendering') THEN 'failed' ELSE v.status END,
               CASE WHEN v.status IN ('queued', 'rendering')
                    THEN 'Still rendering on the branch this one was forked from; render it again here.'
                    ELSE v.error_message END,
               v.invalidated_at,
               v.invalidation_log_id, v.created_at, v.completed_at, v.cost_credits, v.version,
               v.provider, v.model, v.seconds, v.seed, v.guidance, v.operation_name, v.used_end_frame, v.ledger_key,
               v.superseded_at
          FROM videos v JOIN src_shots sh ON sh.id = v.shot_id
         WHERE 'videos' = ANY(carry) AND v.start_frame_id IN (SELECT id FROM src_frames)
        RETURNING 1),
    cuts AS (
        INSERT INTO film_cuts (branch_id, status, media_key, seconds, target_seconds, dissolve, parts, missing_scenes,
               error, created_at, completed_at, created_by)
        SELECT p_target, c.status, c.media_key, c.seconds, c.target_seconds, c.dissolve, c.parts, c.missing_scenes,
               c.error, c.created_at, c.completed_at, c.created_by
          FROM film_cuts c WHERE c.branch_id = p_source AND 'film_cuts' = ANY(carry) AND c.status = 'complete'
        RETURNING 1)
    SELECT jsonb_build_object(
               'stage_states', (SELECT count(*) FROM versions), 'project_assets', (SELECT count(*) FROM assets),
               'scenes', (SELECT count(*) FROM new_scenes), 'scene_stage_versions', (SELECT count(*) FROM scene_versions),
               'shots', (SELECT count(*) FROM new_shots), 'scene_asset_instances', (SELECT count(*) FROM instances),
               'frames', (SELECT count(*) FROM new_frames), 'videos', (SELECT count(*) FROM clips),
               'film_cuts', (SELECT count(*) FROM cuts))
      INTO copied;
    RETURN copied;
END
$$;

-- Film cuts' media is in use too.
CREATE OR REPLACE FUNCTION aiuteur_private.media_keys_in_use(keys TEXT[]) RETURNS SETOF TEXT
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
        SELECT image_url FROM frames WHERE image_url = ANY (keys)
        UNION SELECT video_url FROM videos WHERE video_url = ANY (keys)
        UNION SELECT image_key_url FROM project_assets WHERE image_key_url = ANY (keys)
        UNION SELECT image_key_url FROM scene_asset_instances WHERE image_key_url = ANY (keys)
        UNION SELECT image_key_url FROM global_assets WHERE image_key_url = ANY (keys)
        UNION SELECT media_key FROM film_cuts WHERE media_key = ANY (keys)
    $$;
