-- Two holes closed.
--
-- 1. The policies in 003 check a row's parent (a shot's scene, a ledger row's project) but not its
--    other references, so one creator could write a row of their own that points at another's data:
--    a clip rendered "from" someone else's frame (which then blocks that creator from ever deleting
--    the frame or its project), a branch forked "from" someone else's branch, a ledger row charged to
--    someone else's shot or user. Every reference a creator writes must now be to their own data.
--    A policy can't sub-select its own table (or its parent, for projects) without PostgreSQL
--    reporting infinite recursion, so small SECURITY DEFINER functions answer "is this another
--    user's row?". They ask that rather than "is it mine?" because a fork copies a table with one
--    INSERT ... SELECT whose rows point at each other (a frame's prior frame), and a row inserted by
--    the same statement isn't visible yet; the foreign key still makes sure the row exists.
--
-- 2. 004 froze only rows whose status is 'locked': marking a version invalidated, then rewriting or
--    deleting it, or moving it back to draft, got around it. Any version that has left 'draft' is
--    now history: its content and identity never change, it never returns to draft, and it is only
--    deleted with its branch or project.

CREATE SCHEMA IF NOT EXISTS aiuteur_private;
REVOKE ALL ON SCHEMA aiuteur_private FROM PUBLIC;
GRANT USAGE ON SCHEMA aiuteur_private TO authenticated, service_role;

-- Each answers: does `target` name a row that belongs to someone other than the signed-in user?
-- (NULL, an absent reference, is nobody's.)
CREATE FUNCTION aiuteur_private.project_is_theirs(target uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT EXISTS (SELECT 1 FROM projects WHERE id = target AND user_id IS DISTINCT FROM auth.uid()) $$;

CREATE FUNCTION aiuteur_private.branch_is_theirs(target uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT EXISTS (
        SELECT 1 FROM branches b JOIN projects p ON p.id = b.project_id
         WHERE b.id = target AND p.user_id IS DISTINCT FROM auth.uid()) $$;

CREATE FUNCTION aiuteur_private.stage_state_is_theirs(target uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT EXISTS (
        SELECT 1 FROM stage_states s JOIN branches b ON b.id = s.branch_id JOIN projects p ON p.id = b.project_id
         WHERE s.id = target AND p.user_id IS DISTINCT FROM auth.uid()) $$;

CREATE FUNCTION aiuteur_private.scene_is_theirs(target uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT EXISTS (
        SELECT 1 FROM scenes s JOIN branches b ON b.id = s.branch_id JOIN projects p ON p.id = b.project_id
         WHERE s.id = target AND p.user_id IS DISTINCT FROM auth.uid()) $$;

CREATE FUNCTION aiuteur_private.shot_is_theirs(target uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT EXISTS (
        SELECT 1 FROM shots sh JOIN scenes s ON s.id = sh.scene_id JOIN branches b ON b.id = s.branch_id
          JOIN projects p ON p.id = b.project_id
         WHERE sh.id = target AND p.user_id IS DISTINCT FROM auth.uid()) $$;

CREATE FUNCTION aiuteur_private.frame_is_theirs(target uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT EXISTS (
        SELECT 1 FROM frames f JOIN shots sh ON sh.id = f.shot_id JOIN scenes s ON s.id = sh.scene_id
          JOIN branches b ON b.id = s.branch_id JOIN projects p ON p.id = b.project_id
         WHERE f.id = target AND p.user_id IS DISTINCT FROM auth.uid()) $$;

CREATE FUNCTION aiuteur_private.global_asset_is_theirs(target uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT EXISTS (SELECT 1 FROM global_assets WHERE id = target AND user_id IS DISTINCT FROM auth.uid()) $$;

CREATE FUNCTION aiuteur_private.user_is_other(target uuid) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT target IS NOT NULL AND target IS DISTINCT FROM auth.uid() $$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA aiuteur_private FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA aiuteur_private TO authenticated, service_role;

-- Restrictive: AND-ed with 003's policies on every write; reads (USING true) are 003's alone.
CREATE POLICY "references are own: projects" ON projects AS RESTRICTIVE FOR ALL TO authenticated
    USING (true) WITH CHECK (NOT aiuteur_private.branch_is_theirs(active_branch_id));
CREATE POLICY "references are own: branches" ON branches AS RESTRICTIVE FOR ALL TO authenticated
    USING (true) WITH CHECK (NOT aiuteur_private.branch_is_theirs(parent_branch_id));
CREATE POLICY "references are own: stage_states" ON stage_states AS RESTRICTIVE FOR ALL TO authenticated
    USING (true) WITH CHECK (NOT aiuteur_private.stage_state_is_theirs(inherited_from_stage_id)
                             AND NOT aiuteur_private.user_is_other(created_by));
CREATE POLICY "references are own: scenes" ON scenes AS RESTRICTIVE FOR ALL TO authenticated
    USING (true) WITH CHECK (NOT aiuteur_private.frame_is_theirs(end_frame_id));
CREATE POLICY "references are own: frames" ON frames AS RESTRICTIVE FOR ALL TO authenticated
    USING (true) WITH CHECK (NOT aiuteur_private.frame_is_theirs(prior_frame_id));
CREATE POLICY "references are own: videos" ON videos AS RESTRICTIVE FOR ALL TO authenticated
    USING (true) WITH CHECK (NOT aiuteur_private.frame_is_theirs(start_frame_id)
                             AND NOT aiuteur_private.frame_is_theirs(end_frame_id));
CREATE POLICY "references are own: global_assets" ON global_assets AS RESTRICTIVE FOR ALL TO authenticated
    USING (true) WITH CHECK (NOT aiuteur_private.project_is_theirs(promoted_from_project_id));
CREATE POLICY "references are own: project_assets" ON project_assets AS RESTRICTIVE FOR ALL TO authenticated
    USING (true) WITH CHECK (NOT aiuteur_private.global_asset_is_theirs(global_asset_id));
CREATE POLICY "references are own: scene_asset_instances" ON scene_asset_instances AS RESTRICTIVE FOR ALL
    TO authenticated USING (true) WITH CHECK (NOT aiuteur_private.scene_is_theirs(inherited_from_scene_id));
CREATE POLICY "references are own: invalidation_logs" ON invalidation_logs AS RESTRICTIVE FOR ALL TO authenticated
    USING (true) WITH CHECK (NOT aiuteur_private.stage_state_is_theirs(triggering_stage_state_id));
CREATE POLICY "references are own: cost_ledger" ON cost_ledger AS RESTRICTIVE FOR ALL TO authenticated
    USING (true) WITH CHECK (NOT aiuteur_private.branch_is_theirs(branch_id)
                             AND NOT aiuteur_private.scene_is_theirs(scene_id)
                             AND NOT aiuteur_private.shot_is_theirs(shot_id)
                             AND NOT aiuteur_private.user_is_other(user_id));
CREATE POLICY "references are own: generation_jobs" ON generation_jobs AS RESTRICTIVE FOR ALL TO authenticated
    USING (true) WITH CHECK (NOT aiuteur_private.branch_is_theirs(branch_id));

CREATE OR REPLACE FUNCTION refuse_locked_stage_rewrite() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'draft' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'DELETE' THEN
        -- depth > 1: the delete comes from an ON DELETE CASCADE of its branch or project
        IF pg_trigger_depth() <= 1 THEN
            RAISE EXCEPTION 'stage % version % is % and cannot be deleted', OLD.stage_number, OLD.version, OLD.status
                USING ERRCODE = 'P0001', HINT = 'Locked versions are immutable; regenerate to make a new version.';
        END IF;
        RETURN OLD;
    END IF;
    IF NEW.status = 'draft' THEN
        RAISE EXCEPTION 'stage % version % is % and cannot go back to draft', OLD.stage_number, OLD.version, OLD.status
            USING ERRCODE = 'P0001', HINT = 'Restore it as a new version instead.';
    END IF;
    IF NEW.content IS DISTINCT FROM OLD.content
        OR NEW.final_prompt IS DISTINCT FROM OLD.final_prompt
        OR NEW.prompt_template_version IS DISTINCT FROM OLD.prompt_template_version
        OR NEW.version IS DISTINCT FROM OLD.version
        OR NEW.stage_number IS DISTINCT FROM OLD.stage_number
        OR NEW.branch_id IS DISTINCT FROM OLD.branch_id
        OR NEW.overrides IS DISTINCT FROM OLD.overrides
    THEN
        RAISE EXCEPTION 'stage % version % is % and cannot be changed', OLD.stage_number, OLD.version, OLD.status
            USING ERRCODE = 'P0001', HINT = 'Locked versions are immutable; regenerate to make a new version.';
    END IF;
    RETURN NEW;
END
$$;
