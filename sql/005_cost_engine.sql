-- The cost engine: a ledger row is reserved (the estimate held against the budget) before a
-- provider is called, then settled with actual usage, or released if the call never billed.
-- Money is kept to a millionth of a credit (1 credit = 1 US dollar): a cheap text call costs
-- fractions of a cent, and per-token prices need twelve decimal places.

ALTER TABLE cost_ledger
    ALTER COLUMN credits TYPE NUMERIC(16,6),
    ALTER COLUMN shadow_credits TYPE NUMERIC(16,6),
    ALTER COLUMN unit_price TYPE NUMERIC(20,12),
    -- a text call's input and output tokens have different prices: such rows carry NULL here and
    -- their token counts below; the rates are in the price book version the row names
    ALTER COLUMN unit_price DROP NOT NULL,
    ADD COLUMN status TEXT NOT NULL DEFAULT 'settled' CHECK (status IN ('reserved', 'settled', 'released')),
    ADD COLUMN estimated_credits NUMERIC(16,6) CHECK (estimated_credits IS NULL OR estimated_credits >= 0),
    ADD COLUMN input_tokens BIGINT NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
    ADD COLUMN output_tokens BIGINT NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
    ADD COLUMN action TEXT,
    ADD COLUMN settled_at TIMESTAMPTZ,
    ADD CONSTRAINT cost_ledger_shadow_credits_check CHECK (shadow_credits >= 0),
    ADD CONSTRAINT cost_ledger_priced_unless_tokens CHECK (unit_price IS NOT NULL OR unit = 'token'),
    ADD CONSTRAINT cost_ledger_released_is_free CHECK (status <> 'released' OR credits = 0);

CREATE INDEX idx_cost_ledger_project_status ON cost_ledger(project_id, status);
