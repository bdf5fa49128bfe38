"""Money: the price book, estimates, the ledger, regeneration cost, the projection and the dashboard."""
