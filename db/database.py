"""Connections and units of work.

Every unit of work is one transaction. `as_user` runs it the way Supabase runs a request:
`SET LOCAL ROLE authenticated` plus the JWT claims set with `set_config(..., true)`, both scoped
to the transaction, so a pooled connection never carries one user's identity into the next.
Row-level security in the database, not the app, keeps users apart.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool


class Database:
    """A pool of connections to one PostgreSQL database."""

    def __init__(self, url: str, *, max_size: int = 8) -> None:
        self.url = url
        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            kwargs={"autocommit": True, "row_factory": dict_row},
            open=True,
            name="aiuteur",
        )

    @contextmanager
    def as_user(self, user_id: UUID | str) -> Iterator[psycopg.Connection]:
        """One transaction as the signed-in user, subject to row-level security."""
        claims = json.dumps({"sub": str(user_id), "role": "authenticated"})
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SET LOCAL ROLE authenticated")
            conn.execute("SELECT set_config('request.jwt.claims', %s, true)", [claims])
            yield conn

    @contextmanager
    def as_service(self) -> Iterator[psycopg.Connection]:
        """One transaction as the database owner: sign-in (the auth server's job) and migrations."""
        with self.pool.connection() as conn, conn.transaction():
            yield conn

    def close(self) -> None:
        self.pool.close()


def check_reachable(url: str, timeout: int = 5) -> None:
    """Open and close one connection; raises psycopg.OperationalError when it can't."""
    with psycopg.connect(url, connect_timeout=timeout) as conn:
        conn.execute("SELECT 1")
