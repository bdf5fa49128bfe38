"""Running the studio: settings, boot (database, Redis, queue), engines, media store, jobs, accounts."""
