"""A unit of work: one thing the creator asked for, done in one transaction as that creator.

The calling convention for services:

- A public service takes `(studio, user_id, ...)` and opens exactly one transaction for its unit of
  work, `with work(studio, user_id) as conn:`. Everything the request depends on is read, validated,
  written and invalidated inside it, so what it checked is what it wrote on top of, and an error
  anywhere (an `EditConflict` from a lost race, say) rolls back the whole of it: nothing half-written.
  Pure input checks that need no rows can run before it opens.
- A building block (a core helper, every `db` function) takes `conn` first and runs in the caller's
  transaction: it never opens, commits or ends one. Where a failure must leave that transaction
  usable it nests a savepoint (`with conn.transaction():`).
- Work that outlives a request (a provider call, a queued job) is split at the call: one unit of work
  to reserve, then the call, then one to record the result.

Row-level security keys on the user the transaction is bound to (`db.database.Database.as_user`).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING
from uuid import UUID

import psycopg

if TYPE_CHECKING:
    from core.runtime.studio import Studio


def work(studio: Studio, user_id: UUID | str) -> AbstractContextManager[psycopg.Connection]:
    """One user-bound transaction: commits when the block ends, rolls back if it raises."""
    return studio.db.as_user(user_id)
