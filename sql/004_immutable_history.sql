-- A locked stage version is history: its content, prompt and version never change and it is
-- never deleted on its own. Its status may still move (locked -> invalidated / outdated), and
-- deleting a whole branch or project cascades through it.

CREATE FUNCTION refuse_locked_stage_rewrite() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        -- depth > 1: the delete comes from an ON DELETE CASCADE of its branch or project
        IF OLD.status = 'locked' AND pg_trigger_depth() <= 1 THEN
            RAISE EXCEPTION 'stage % version % is locked and cannot be deleted', OLD.stage_number, OLD.version
                USING ERRCODE = 'P0001', HINT = 'Locked versions are immutable; regenerate to make a new version.';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'locked' AND (
        NEW.content IS DISTINCT FROM OLD.content
        OR NEW.final_prompt IS DISTINCT FROM OLD.final_prompt
        OR NEW.prompt_template_version IS DISTINCT FROM OLD.prompt_template_version
        OR NEW.version IS DISTINCT FROM OLD.version
        OR NEW.stage_number IS DISTINCT FROM OLD.stage_number
        OR NEW.branch_id IS DISTINCT FROM OLD.branch_id
        OR NEW.overrides IS DISTINCT FROM OLD.overrides
    ) THEN
        RAISE EXCEPTION 'stage % version % is locked and cannot be changed', OLD.stage_number, OLD.version
            USING ERRCODE = 'P0001', HINT = 'Locked versions are immutable; regenerate to make a new version.';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER stage_states_immutable_when_locked
    BEFORE UPDATE OR DELETE ON stage_states
    FOR EACH ROW EXECUTE FUNCTION refuse_locked_stage_rewrite();
