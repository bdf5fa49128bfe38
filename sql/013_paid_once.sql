-- Never paid twice: a settled call keeps what it produced (a content-addressed media key), so an
-- identical request (same inputs, model, template version and seed: the same idempotency key) is
-- served from storage instead of calling the provider again.

ALTER TABLE cost_ledger
    ADD COLUMN result_key TEXT,
    ADD CONSTRAINT cost_ledger_result_is_settled CHECK (result_key IS NULL OR status = 'settled');
