"""Phase B services (stages 6-12): scenes to film. Empty until those stages are built."""
