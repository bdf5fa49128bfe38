"""The only layer with SQL: connections, per-user transactions, migrations and queries."""
