-- The studio's tables, from the seed's schema without the RAG tables and columns, plus the
-- project title and budget, a cost ledger and the database mirror of queued generation jobs.

CREATE TABLE projects (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL DEFAULT auth.uid() REFERENCES auth.users(id) ON DELETE CASCADE,
    title TEXT NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    budget_credits NUMERIC(12,4) CHECK (budget_credits IS NULL OR budget_credits >= 0),

    -- Stage 1 configuration (immutable once Stage 2 begins; enforced in core)
    target_length_min INTEGER NOT NULL CHECK (target_length_min > 0),
    target_length_max INTEGER NOT NULL,
    project_type TEXT NOT NULL CHECK (project_type IN ('narrative', 'commercial', 'audio_visual')),
    content_rating TEXT NOT NULL CHECK (content_rating IN ('G', 'PG', 'PG-13', 'M')),
    genre TEXT[] NOT NULL DEFAULT '{}',
    tonal_precision TEXT,
    input_mode TEXT NOT NULL CHECK (input_mode IN ('expand', 'condense', 'import')),

    active_branch_id UUID,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (target_length_max >= target_length_min)
);

CREATE TABLE branches (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id UUID NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    parent_branch_id UUID REFERENCES branches(id) ON DELETE SET NULL,
    branched_at_stage INTEGER CHECK (branched_at_stage BETWEEN 1 AND 12),
    commit_message TEXT,
    is_main BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (project_id, name)
);
CREATE UNIQUE INDEX idx_branches_one_main ON branches(project_id) WHERE is_main;

ALTER TABLE projects
    ADD CONSTRAINT projects_active_branch_fk
    FOREIGN KEY (active_branch_id) REFERENCES branches(id) ON DELETE SET NULL;

CREATE TABLE stage_states (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    branch_id UUID NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    stage_number INTEGER NOT NULL CHECK (stage_number BETWEEN 1 AND 12),
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'locked', 'invalidated', 'outdated')),
    inherited_from_stage_id UUID REFERENCES stage_states(id) ON DELETE SET NULL,
    overrides JSONB,
    content JSONB NOT NULL,
    prompt_template_version TEXT,
    final_prompt TEXT,
    regeneration_guidance TEXT,
    -- provenance of the generation that wrote this version
    provider TEXT,
    model TEXT,
    seed BIGINT,
    input_versions JSONB NOT NULL DEFAULT '{}'::jsonb,
    cost_credits NUMERIC(12,4) NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by UUID DEFAULT auth.uid() REFERENCES auth.users(id) ON DELETE SET NULL,
    UNIQUE (branch_id, stage_number, version)
);

CREATE TABLE scenes (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    branch_id UUID NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    scene_number INTEGER NOT NULL CHECK (scene_number >= 1),
    slug TEXT NOT NULL,
    script_excerpt TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN (
        'draft', 'shot_list_ready', 'frames_locked', 'video_complete', 'outdated', 'continuity_broken'
    )),
    end_state_summary TEXT,
    end_frame_id UUID,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (branch_id, scene_number)
);

CREATE TABLE shots (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    scene_id UUID NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
    shot_id TEXT NOT NULL,
    shot_order INTEGER NOT NULL,
    duration INTEGER NOT NULL DEFAULT 8 CHECK (duration > 0),
    dialogue TEXT,
    action TEXT NOT NULL,
    characters JSONB NOT NULL DEFAULT '[]'::jsonb,
    setting TEXT NOT NULL,
    camera_spec TEXT NOT NULL,
    continuity_flags TEXT[] NOT NULL DEFAULT '{}',
    frame_prompt TEXT,
    video_prompt TEXT,
    requires_end_frame BOOLEAN NOT NULL DEFAULT TRUE,
    frames_approved BOOLEAN NOT NULL DEFAULT FALSE,
    video_approved BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (scene_id, shot_id)
);

CREATE TABLE frames (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    shot_id UUID NOT NULL REFERENCES shots(id) ON DELETE CASCADE,
    frame_type TEXT NOT NULL CHECK (frame_type IN ('start', 'end')),
    prompt TEXT NOT NULL,
    prior_frame_id UUID REFERENCES frames(id) ON DELETE SET NULL,
    image_url TEXT NOT NULL,
    approved BOOLEAN NOT NULL DEFAULT FALSE,
    regeneration_count INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    cost_credits NUMERIC(10,4)
);

ALTER TABLE scenes
    ADD CONSTRAINT scenes_end_frame_fk FOREIGN KEY (end_frame_id) REFERENCES frames(id) ON DELETE SET NULL;

CREATE TABLE videos (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    shot_id UUID NOT NULL REFERENCES shots(id) ON DELETE CASCADE,
    start_frame_id UUID NOT NULL REFERENCES frames(id),
    end_frame_id UUID REFERENCES frames(id),
    video_prompt TEXT NOT NULL,
    video_url TEXT NOT NULL,
    approved BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL DEFAULT 'rendering' CHECK (status IN ('queued', 'rendering', 'complete', 'failed')),
    error_message TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at TIMESTAMPTZ,
    cost_credits NUMERIC(10,4),
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE global_assets (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL DEFAULT auth.uid() REFERENCES auth.users(id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(btrim(name)) >= 1),
    asset_type TEXT NOT NULL CHECK (asset_type IN ('character', 'prop', 'location')),
    description TEXT NOT NULL,
    image_key_url TEXT,
    voice_profile_id TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    promoted_from_project_id UUID REFERENCES projects(id) ON DELETE SET NULL
);

-- Assets belong to a branch as well as a project, so branches can differ in their cast.
CREATE TABLE project_assets (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id UUID NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    branch_id UUID NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    global_asset_id UUID REFERENCES global_assets(id) ON DELETE SET NULL,
    name TEXT NOT NULL CHECK (length(btrim(name)) >= 1),
    asset_type TEXT NOT NULL CHECK (asset_type IN ('character', 'prop', 'location')),
    description TEXT NOT NULL,
    -- NULL until the reference image job finishes (the seed has NOT NULL; images render async)
    image_key_url TEXT,
    scene_numbers INTEGER[] NOT NULL DEFAULT '{}',
    locked BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (branch_id, asset_type, name)
);

CREATE TABLE scene_asset_instances (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    scene_id UUID NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
    project_asset_id UUID NOT NULL REFERENCES project_assets(id) ON DELETE CASCADE,
    description_override TEXT,
    image_key_url TEXT,
    status_tags TEXT[] NOT NULL DEFAULT '{}',
    carry_forward BOOLEAN NOT NULL DEFAULT TRUE,
    inherited_from_scene_id UUID REFERENCES scenes(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (scene_id, project_asset_id)
);

CREATE TABLE invalidation_logs (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    triggering_stage_state_id UUID NOT NULL REFERENCES stage_states(id) ON DELETE CASCADE,
    branch_id UUID NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    invalidation_type TEXT NOT NULL CHECK (invalidation_type IN ('global', 'local_scene', 'continuity_break')),
    invalidated_stage_states UUID[] NOT NULL DEFAULT '{}',
    invalidated_scenes UUID[] NOT NULL DEFAULT '{}',
    reasons JSONB NOT NULL DEFAULT '[]'::jsonb,
    estimated_regen_cost NUMERIC(10,2),
    warning_acknowledged BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row per provider call, paid or free. A retried call reuses its idempotency key, so it
-- can never be charged twice.
CREATE TABLE cost_ledger (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id UUID NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    branch_id UUID REFERENCES branches(id) ON DELETE SET NULL,
    stage_number INTEGER CHECK (stage_number BETWEEN 1 AND 12),
    scene_id UUID REFERENCES scenes(id) ON DELETE SET NULL,
    shot_id UUID REFERENCES shots(id) ON DELETE SET NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    unit TEXT NOT NULL,
    units NUMERIC(14,4) NOT NULL CHECK (units >= 0),
    unit_price NUMERIC(14,6) NOT NULL CHECK (unit_price >= 0),
    credits NUMERIC(12,4) NOT NULL CHECK (credits >= 0),
    shadow_credits NUMERIC(12,4) NOT NULL DEFAULT 0,
    price_book_version TEXT,
    idempotency_key TEXT NOT NULL UNIQUE,
    user_id UUID DEFAULT auth.uid() REFERENCES auth.users(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The database mirror of work queued on RQ.
CREATE TABLE generation_jobs (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id UUID NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    branch_id UUID REFERENCES branches(id) ON DELETE CASCADE,
    user_id UUID NOT NULL DEFAULT auth.uid() REFERENCES auth.users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target_id UUID,
    payload JSONB NOT NULL DEFAULT '{}'::jsonb,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    result JSONB,
    rq_job_id TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The seed's indexes (minus RAG) and the foreign keys the policies and pages walk.
CREATE INDEX idx_stage_states_branch_stage ON stage_states(branch_id, stage_number);
CREATE INDEX idx_scenes_branch_status ON scenes(branch_id, status);
CREATE INDEX idx_scene_instances_inheritance ON scene_asset_instances(inherited_from_scene_id);
CREATE INDEX idx_invalidation_logs_cost ON invalidation_logs(estimated_regen_cost) WHERE warning_acknowledged = FALSE;
CREATE INDEX idx_projects_user ON projects(user_id);
CREATE INDEX idx_branches_project ON branches(project_id);
CREATE INDEX idx_shots_scene ON shots(scene_id, shot_order);
CREATE INDEX idx_frames_shot ON frames(shot_id);
CREATE INDEX idx_videos_shot ON videos(shot_id);
CREATE INDEX idx_global_assets_user ON global_assets(user_id);
CREATE INDEX idx_project_assets_project ON project_assets(project_id);
CREATE INDEX idx_project_assets_branch ON project_assets(branch_id);
CREATE INDEX idx_scene_instances_scene ON scene_asset_instances(scene_id);
CREATE INDEX idx_invalidation_logs_branch ON invalidation_logs(branch_id, created_at);
CREATE INDEX idx_cost_ledger_project ON cost_ledger(project_id, created_at);
CREATE INDEX idx_generation_jobs_project ON generation_jobs(project_id, status);
