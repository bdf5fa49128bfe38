-- Failed sign-ins, so repeated guesses are slowed down per account and per client.
-- Kept by the sign-in server (the app's owner connection, as auth.users is), in a schema of our own:
-- on Supabase the `auth` schema belongs to Supabase Auth, and a table in `public` would be an app table.
-- The app roles can neither see nor write it: no grant, and row-level security with no policy for them
-- (the owner bypasses it), so a grant added by mistake still shows them nothing.

CREATE SCHEMA IF NOT EXISTS aiuteur_private;
REVOKE ALL ON SCHEMA aiuteur_private FROM PUBLIC;

CREATE TABLE aiuteur_private.sign_in_failures (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email TEXT NOT NULL,          -- normalised (trimmed, lower case)
    client TEXT NOT NULL,         -- sha256 of the client id the page passed (an IP address or a session)
    failed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_email ON aiuteur_private.sign_in_failures (email, failed_at);
CREATE INDEX sign_in_failures_client ON aiuteur_private.sign_in_failures (client, failed_at);

REVOKE ALL ON aiuteur_private.sign_in_failures FROM PUBLIC, anon, authenticated;
ALTER TABLE aiuteur_private.sign_in_failures ENABLE ROW LEVEL SECURITY;
