"""Aiuteur's core library: domain models, the stage registry and the services pages call."""
