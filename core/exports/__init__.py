"""What leaves the studio for other tools (Fountain, CSV, OTIO, film). Grows with Phase B."""
