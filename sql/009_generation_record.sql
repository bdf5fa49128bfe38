-- How each stage version was generated, beyond the prompt: token usage, latency, parameters, the
-- digest of its inputs and its identity (a hash of template version, model, seed, guidance, inputs).
ALTER TABLE stage_states ADD COLUMN generation JSONB NOT NULL DEFAULT '{}'::jsonb;
