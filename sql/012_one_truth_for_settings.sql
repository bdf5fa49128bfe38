-- One truth for settings. The film's configuration (length, type, rating, genres, tone, input mode)
-- is Stage 1's, versioned per branch: the copy on the project row went stale on every fork and is
-- dropped. The project row keeps what belongs to the project: its owner, title and budget. The
-- budget is a setting the creator changes at any time; every change is kept here (who, when,
-- old -> new; NULL is "no cap").

ALTER TABLE projects
    DROP COLUMN target_length_min,
    DROP COLUMN target_length_max,
    DROP COLUMN project_type,
    DROP COLUMN content_rating,
    DROP COLUMN genre,
    DROP COLUMN tonal_precision,
    DROP COLUMN input_mode;

CREATE TABLE budget_changes (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id UUID NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    changed_by UUID DEFAULT auth.uid() REFERENCES auth.users(id) ON DELETE SET NULL,
    old_budget NUMERIC(12,4) CHECK (old_budget IS NULL OR old_budget >= 0),
    new_budget NUMERIC(12,4) CHECK (new_budget IS NULL OR new_budget >= 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_budget_changes_project ON budget_changes(project_id, created_at);

ALTER TABLE budget_changes ENABLE ROW LEVEL SECURITY;
CREATE POLICY "budget changes of own projects" ON budget_changes FOR ALL TO authenticated
    USING (project_id IN (SELECT id FROM projects))
    WITH CHECK (project_id IN (SELECT id FROM projects));
CREATE POLICY "references are own: budget_changes" ON budget_changes AS RESTRICTIVE FOR ALL TO authenticated
    USING (true) WITH CHECK (NOT aiuteur_private.user_is_other(changed_by));
