-- Signed-in browser sessions, so a refresh or a return the next day keeps the creator signed in.
-- The browser holds a random token in a secure, http-only cookie; this table holds only its sha256.
-- A session is made in two steps: the sign-in page writes a row with a one-time hand-off ticket
-- (its sha256, claimable for two minutes), and the studio's same-origin endpoint claims the ticket,
-- draws the token, stores its hash and sets the cookie. Kept by the sign-in server (the owner
-- connection, as auth.users and sign_in_failures are): the app roles have no grant, and row-level
-- security with no policy for them, so a grant added by mistake still shows them nothing.

CREATE TABLE aiuteur_private.sessions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    token_hash TEXT UNIQUE,        -- sha256 of the cookie's token; NULL until the ticket is claimed
    ticket_hash TEXT UNIQUE,       -- sha256 of the one-time hand-off ticket; NULL once claimed
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL DEFAULT now() + interval '30 days',
    revoked_at TIMESTAMPTZ,
    CHECK (token_hash IS NULL OR ticket_hash IS NULL),
    CHECK (expires_at > created_at)
);
CREATE INDEX sessions_user ON aiuteur_private.sessions (user_id) WHERE revoked_at IS NULL;

REVOKE ALL ON aiuteur_private.sessions FROM PUBLIC, anon, authenticated;
ALTER TABLE aiuteur_private.sessions ENABLE ROW LEVEL SECURITY;
