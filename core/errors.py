"""One error hierarchy for everything a page may need to explain to a creator.

    AiuteurError
     ├── ServiceUnavailable          a database or queue that can't be reached
     ├── InputRejected               bad input; `.field_errors` maps field -> message; nothing written
     ├── AuthError
     │    ├── InvalidCredentials
     │    └── EmailTaken
     ├── NotFound                    missing, or not yours (row-level security hides it)
     ├── StageNotReady               upstream stage not locked yet; `.needed_stage` says which
     ├── StageFrozen                 the stage can no longer change (locked, or downstream began)
     ├── EditConflict                someone else saved a newer version first
     ├── BudgetExceeded
     └── ProviderError               a model provider failed; `.retryable` says whether to retry
          ├── ProviderRateLimited
          ├── ProviderUnavailable
          └── ProviderBadResponse

Third-party errors are converted where they enter (`raise ProviderRateLimited(...) from exc`).
"""

from __future__ import annotations


class AiuteurError(Exception):
    """Base of every error a creator may see."""


class ServiceUnavailable(AiuteurError):
    """A database, queue or storage service that can't be reached; `.hint` says what to check."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


class InputRejected(AiuteurError):
    """Input that fails validation. Nothing was written."""

    def __init__(self, field_errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in field_errors.items()))
        self.field_errors = field_errors


class AuthError(AiuteurError):
    pass


class InvalidCredentials(AuthError):
    def __init__(self) -> None:
        super().__init__("That email and password don't match an account.")


class EmailTaken(AuthError):
    def __init__(self, email: str) -> None:
        super().__init__(f"An account with {email} already exists. Sign in instead.")


class NotFound(AiuteurError):
    pass


class StageNotReady(AiuteurError):
    def __init__(self, message: str, needed_stage: int) -> None:
        super().__init__(message)
        self.needed_stage = needed_stage


class StageFrozen(AiuteurError):
    pass


class EditConflict(AiuteurError):
    pass


class BudgetExceeded(AiuteurError):
    pass


class ProviderError(AiuteurError):
    retryable = True


class ProviderRateLimited(ProviderError):
    pass


class ProviderUnavailable(ProviderError):
    pass


class ProviderBadResponse(ProviderError):
    retryable = False
