-- Row-level security on every app table. Projects and the global library belong to their user;
-- everything else belongs to whoever owns its project, found through its parent table (whose own
-- policy applies in the sub-select, so each rule is stated once).

GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO authenticated, service_role;

ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE branches ENABLE ROW LEVEL SECURITY;
ALTER TABLE stage_states ENABLE ROW LEVEL SECURITY;
ALTER TABLE scenes ENABLE ROW LEVEL SECURITY;
ALTER TABLE shots ENABLE ROW LEVEL SECURITY;
ALTER TABLE frames ENABLE ROW LEVEL SECURITY;
ALTER TABLE videos ENABLE ROW LEVEL SECURITY;
ALTER TABLE global_assets ENABLE ROW LEVEL SECURITY;
ALTER TABLE project_assets ENABLE ROW LEVEL SECURITY;
ALTER TABLE scene_asset_instances ENABLE ROW LEVEL SECURITY;
ALTER TABLE invalidation_logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE cost_ledger ENABLE ROW LEVEL SECURITY;
ALTER TABLE generation_jobs ENABLE ROW LEVEL SECURITY;

CREATE POLICY "own projects" ON projects FOR ALL TO authenticated
    USING (user_id = (SELECT auth.uid()))
    WITH CHECK (user_id = (SELECT auth.uid()));

CREATE POLICY "own global assets" ON global_assets FOR ALL TO authenticated
    USING (user_id = (SELECT auth.uid()))
    WITH CHECK (user_id = (SELECT auth.uid()));

CREATE POLICY "branches of own projects" ON branches FOR ALL TO authenticated
    USING (project_id IN (SELECT id FROM projects))
    WITH CHECK (project_id IN (SELECT id FROM projects));

CREATE POLICY "stage states of own branches" ON stage_states FOR ALL TO authenticated
    USING (branch_id IN (SELECT id FROM branches))
    WITH CHECK (branch_id IN (SELECT id FROM branches));

CREATE POLICY "scenes of own branches" ON scenes FOR ALL TO authenticated
    USING (branch_id IN (SELECT id FROM branches))
    WITH CHECK (branch_id IN (SELECT id FROM branches));

CREATE POLICY "shots of own scenes" ON shots FOR ALL TO authenticated
    USING (scene_id IN (SELECT id FROM scenes))
    WITH CHECK (scene_id IN (SELECT id FROM scenes));

CREATE POLICY "frames of own shots" ON frames FOR ALL TO authenticated
    USING (shot_id IN (SELECT id FROM shots))
    WITH CHECK (shot_id IN (SELECT id FROM shots));

CREATE POLICY "videos of own shots" ON videos FOR ALL TO authenticated
    USING (shot_id IN (SELECT id FROM shots))
    WITH CHECK (shot_id IN (SELECT id FROM shots));

CREATE POLICY "assets of own projects" ON project_assets FOR ALL TO authenticated
    USING (project_id IN (SELECT id FROM projects))
    WITH CHECK (project_id IN (SELECT id FROM projects) AND branch_id IN (SELECT id FROM branches));

CREATE POLICY "asset instances of own scenes" ON scene_asset_instances FOR ALL TO authenticated
    USING (scene_id IN (SELECT id FROM scenes))
    WITH CHECK (scene_id IN (SELECT id FROM scenes) AND project_asset_id IN (SELECT id FROM project_assets));

CREATE POLICY "invalidations of own branches" ON invalidation_logs FOR ALL TO authenticated
    USING (branch_id IN (SELECT id FROM branches))
    WITH CHECK (branch_id IN (SELECT id FROM branches));

CREATE POLICY "ledger of own projects" ON cost_ledger FOR ALL TO authenticated
    USING (project_id IN (SELECT id FROM projects))
    WITH CHECK (project_id IN (SELECT id FROM projects));

CREATE POLICY "jobs of own projects" ON generation_jobs FOR ALL TO authenticated
    USING (project_id IN (SELECT id FROM projects))
    WITH CHECK (project_id IN (SELECT id FROM projects) AND user_id = (SELECT auth.uid()));
