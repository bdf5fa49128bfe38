"""One error hierarchy for everything a page may need to explain to a creator.

    AiuteurError
     ├── ServiceUnavailable          a database or queue that can't be reached
     ├── InputRejected               bad input; `.field_errors` maps field -> message; nothing written
     ├── AuthError
     │    ├── InvalidCredentials
     │    ├── EmailTaken
     │    ├── ConfirmationPending    signed up; the email must be confirmed before signing in
     │    └── TooManyAttempts        sign-ins refused for a while; `.retry_after` says how long
     ├── NotFound                    missing, or not yours (row-level security hides it)
     ├── StageNotReady               upstream stage not locked yet; `.needed_stage` says which
     ├── StageFrozen                 the stage can no longer change (locked, or downstream began)
     ├── StageIncomplete             the stage lacks something it needs before it can be locked
     ├── EditConflict                someone else saved a newer version first
     ├── BudgetExceeded
     └── ProviderError               a model provider failed; `.retryable` says whether to retry
          ├── ProviderRateLimited
          ├── ProviderUnavailable
          ├── ProviderRefused        the model's safety filter declined; `.reasons` quote it; change the prompt
          └── ProviderBadResponse
               └── EndFrameUnsupported   the video model won't take an end frame; resubmit with the start frame

Third-party errors are converted where they enter (`raise ProviderRateLimited(...) from exc`);
a pydantic ValidationError becomes InputRejected through `rejected_input`, in plain sentences.
"""

from __future__ import annotations

from pydantic import ValidationError


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


class ConfirmationPending(AuthError):
    def __init__(self, email: str, waiting: bool = False) -> None:
        done = "This account isn't confirmed yet" if waiting else "Almost there"
        super().__init__(f"{done}: check your email ({email}) to confirm the account, then sign in.")


class TooManyAttempts(AuthError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many attempts; try again in {retry_after} seconds.")
        self.retry_after = retry_after


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


class StageIncomplete(AiuteurError):
    """The stage lacks something it needs (a choice, a style, an image) before it can be locked."""


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


class ProviderRefused(ProviderError):
    """The model's safety filter declined the request; it may pass once the prompt (or frame) changes."""

    def __init__(self, message: str, reasons: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.reasons = reasons


class EndFrameUnsupported(ProviderBadResponse):
    """The video model refuses an end frame (`lastFrame`); the clip can be rendered from its start frame alone."""


def rejected_input(exc: ValidationError, *, root: str = "form", item: str = "row") -> InputRejected:
    """A pydantic ValidationError as InputRejected: one plain sentence per field, never pydantic's wording.

    Args:
        exc: what pydantic raised.
        root: the field named for checks on the whole input (a model validator's error).
        item: what one entry of a list field is called in the message ("beat" -> "beat 2, order: ...").
    """
    errors: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        field, message = _located(error, root, item)
        errors.setdefault(field, message)
    return InputRejected(errors)


def _located(error: dict, root: str, item: str) -> tuple[str, str]:
    loc, message = [part for part in error["loc"] if part != "__root__"], plain_message(error, item)
    if not loc:
        field, _, rest = message.partition(": ")  # model-level checks may name their field first
        return (field, rest) if rest and " " not in field else (root, message)
    where = [f"{item} {part + 1}" if isinstance(part, int) else str(part).replace("_", " ") for part in loc[1:]]
    return str(loc[0]), (f"{', '.join(where)}: {message}" if where else message)


def plain_message(error: dict, item: str = "entry") -> str:
    """Pydantic's message for one error in a creator's words, for the checks a form field trips most."""
    ctx, given = error.get("ctx") or {}, error.get("input")
    match error["type"]:
        case "string_too_short" if ctx.get("min_length") == 1:
            return "this can't be empty"
        case "string_too_short":
            return f"use at least {ctx['min_length']:,} characters"
        case "string_too_long":
            return f"this is {len(given):,} characters; the limit is {ctx['max_length']:,}"
        case "too_short" if ctx.get("min_length") == 1:
            return f"keep at least one {item}"
        case "too_long":
            return f"choose at most {ctx['max_length']}"
        case "greater_than_equal":
            return f"use {_number(ctx['ge'])} or more"
        case "less_than_equal":
            return f"use {_number(ctx['le'])} or less"
        case "int_parsing" | "int_type" | "int_from_float":
            return "enter a whole number"
        case "float_parsing" | "float_type":
            return "enter a number"
        case "enum" | "literal_error":
            return f"choose one of {ctx['expected']}"
        case "missing":
            return "this is required"
        case "string_type":
            return "enter some text"
        case "extra_forbidden":
            return "this isn't a field here"
    return error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"
