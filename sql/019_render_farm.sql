-- The render farm: a render (a scene's or the film's frames, clips and assembly) as a graph of jobs.
--
--   renders                 one confirmed render of a branch: its scope, the price confirmed, whether it was cancelled
--   generation_jobs         each job names its render and the jobs it waits for (`depends_on`), so a queue that lost
--                           its data (a Redis restart) is rebuilt from here in dependency order; the worker running it
--                           and that worker's last heartbeat, so a job whose worker died is taken up again in seconds

CREATE TABLE renders (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id UUID NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    branch_id UUID NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    scope TEXT NOT NULL CHECK (scope IN ('scene', 'film')),
    scene_ids UUID[] NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'finished', 'cancelled')),
    quote JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ,
    created_by UUID DEFAULT auth.uid() REFERENCES auth.users(id) ON DELETE SET NULL
);
CREATE INDEX idx_renders_branch ON renders(branch_id, created_at);
ALTER TABLE renders ENABLE ROW LEVEL SECURITY;
CREATE POLICY "renders of own projects" ON renders FOR ALL TO authenticated
    USING (project_id IN (SELECT id FROM projects))
    WITH CHECK (project_id IN (SELECT id FROM projects) AND branch_id IN (SELECT id FROM branches));
CREATE POLICY "references are own: renders" ON renders AS RESTRICTIVE FOR ALL TO authenticated
    USING (true) WITH CHECK (branch_id IN (SELECT b.id FROM branches b WHERE b.project_id = renders.project_id)
                             AND NOT aiuteur_private.user_is_other(created_by));
GRANT SELECT, INSERT, UPDATE, DELETE ON renders TO authenticated, service_role;

ALTER TABLE generation_jobs
    ADD COLUMN render_id UUID REFERENCES renders(id) ON DELETE CASCADE,
    ADD COLUMN depends_on UUID[] NOT NULL DEFAULT '{}',
    ADD COLUMN worker_name TEXT,
    ADD COLUMN heartbeat_at TIMESTAMPTZ;
CREATE INDEX idx_generation_jobs_render ON generation_jobs(render_id) WHERE render_id IS NOT NULL;
CREATE INDEX idx_generation_jobs_unfinished ON generation_jobs(status) WHERE status IN ('queued', 'running');

-- Restrictive: a job belongs to a render of its own project.
CREATE POLICY "references are own: generation_jobs render" ON generation_jobs AS RESTRICTIVE FOR ALL TO authenticated
    USING (true) WITH CHECK (render_id IS NULL
                             OR render_id IN (SELECT r.id FROM renders r WHERE r.project_id = generation_jobs.project_id));
