"""Phase A services (stages 1-5): projects, generation, edits, versions, assets, the headless run."""
