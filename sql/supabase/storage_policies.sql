-- Aiuteur's media on Supabase Storage: one private bucket, each user's media in a folder named by their id.
--
-- Run once on the Supabase project (SQL editor, or psql as `postgres`); safe to run again. It is not a
-- numbered migration: plain PostgreSQL has no `storage` schema, and the studio keeps media in a local folder
-- unless AIUTEUR_MEDIA_STORE=supabase. If AIUTEUR_MEDIA_BUCKET names another bucket, replace 'aiuteur-media'.
--
-- The studio and its workers use the service_role key, which bypasses these policies; they only ever address
-- `{the signed-in user's id}/{sha256}.{ext}`. The policies are what keeps every other client apart: a request
-- carrying a user's own token (supabase-js in a browser, an API call) reaches that user's folder and nothing
-- else, and anonymous requests reach nothing. Browsers see media through signed URLs the studio makes.

INSERT INTO storage.buckets (id, name, public)
VALUES ('aiuteur-media', 'aiuteur-media', false)
ON CONFLICT (id) DO UPDATE SET public = false;

DROP POLICY IF EXISTS "aiuteur media: read own folder" ON storage.objects;
CREATE POLICY "aiuteur media: read own folder" ON storage.objects
    FOR SELECT TO authenticated
    USING (bucket_id = 'aiuteur-media' AND (storage.foldername(name))[1] = (SELECT auth.uid())::text);

DROP POLICY IF EXISTS "aiuteur media: add to own folder" ON storage.objects;
CREATE POLICY "aiuteur media: add to own folder" ON storage.objects
    FOR INSERT TO authenticated
    WITH CHECK (bucket_id = 'aiuteur-media' AND (storage.foldername(name))[1] = (SELECT auth.uid())::text);

DROP POLICY IF EXISTS "aiuteur media: replace in own folder" ON storage.objects;
CREATE POLICY "aiuteur media: replace in own folder" ON storage.objects
    FOR UPDATE TO authenticated
    USING (bucket_id = 'aiuteur-media' AND (storage.foldername(name))[1] = (SELECT auth.uid())::text)
    WITH CHECK (bucket_id = 'aiuteur-media' AND (storage.foldername(name))[1] = (SELECT auth.uid())::text);

DROP POLICY IF EXISTS "aiuteur media: remove from own folder" ON storage.objects;
CREATE POLICY "aiuteur media: remove from own folder" ON storage.objects
    FOR DELETE TO authenticated
    USING (bucket_id = 'aiuteur-media' AND (storage.foldername(name))[1] = (SELECT auth.uid())::text);
