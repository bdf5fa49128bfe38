"""What every generating stage returns: its validated output and how it was made.

`StageDraft` carries the output with its provenance (final prompt, prompt template version, provider,
model, seed, guidance, token usage, latency, a digest of the inputs) and one `CallRecord` per provider
call, so a service can write the stage version and one ledger row per call. Its `identity` is a hash
of everything that determines the output.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from core.providers.base import TextProvider, TextRequest, TextResult, Usage
from stages.templates import PromptTemplate

Out = TypeVar("Out", bound=BaseModel)


class CallRecord(BaseModel):
    """One provider call, as the cost ledger needs it."""

    model_config = ConfigDict(frozen=True)

    task: str
    provider: str
    model: str
    prompt: str
    seed: int
    input_tokens: int = 0
    output_tokens: int = 0
    images: int = 0
    latency_ms: float = 0.0


class StageDraft(BaseModel, Generic[Out]):
    """A stage's output and its provenance."""

    model_config = ConfigDict(frozen=True)

    output: Out
    final_prompt: str
    prompt_template_version: str
    provider: str
    model: str
    seed: int
    guidance: str = ""
    usage: Usage = Usage()
    latency_ms: float = 0.0
    input_digest: str
    calls: tuple[CallRecord, ...] = ()

    @property
    def offline(self) -> bool:
        return self.provider in ("offline", "import")

    @property
    def identity(self) -> str:
        """sha256 of template version, provider, model, seed, guidance and inputs: equal means same draft."""
        parts = [self.prompt_template_version, self.provider, self.model, str(self.seed), self.guidance,
                 self.input_digest]
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()

    def provenance(self) -> dict:
        """The columns a stage version records about how it was made."""
        return {"final_prompt": self.final_prompt, "prompt_template_version": self.prompt_template_version,
                "provider": self.provider, "model": self.model, "seed": self.seed,
                "regeneration_guidance": self.guidance or None, "input_tokens": self.usage.input_tokens,
                "output_tokens": self.usage.output_tokens, "latency_ms": self.latency_ms,
                "input_digest": self.input_digest, "identity": self.identity}


def digest(payload: object) -> str:
    """sha256 of a JSON-able payload, keys sorted: the version of a stage's inputs."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ask(provider: TextProvider, task: str, template: PromptTemplate, prompt_values: dict, inputs: dict,
        schema: type[BaseModel], seed: int, tags: dict | None) -> tuple[str, TextResult]:
    """Render the prompt, call the provider once; return the final prompt and the result."""
    prompt = template.render(**prompt_values)
    request = TextRequest(task=task, prompt=prompt, inputs=inputs, schema=schema, seed=seed, tags=dict(tags or {}))
    return prompt, provider.generate(request)


def assemble(output: BaseModel, task: str, template: PromptTemplate, calls: Sequence[tuple[str, TextResult]],
             seed: int, guidance: str, inputs: dict, started: float) -> StageDraft:
    """A `StageDraft` from the provider calls a stage made (their prompts joined, their usage summed)."""
    records = tuple(CallRecord(task=task, provider=result.provider, model=result.model, prompt=prompt, seed=seed,
                               input_tokens=result.usage.input_tokens, output_tokens=result.usage.output_tokens,
                               latency_ms=result.latency_ms) for prompt, result in calls)
    usage = Usage(input_tokens=sum(record.input_tokens for record in records),
                  output_tokens=sum(record.output_tokens for record in records))
    final_prompt = calls[0][0] if len(calls) == 1 else "\n\n".join(
        f"----- call {number} of {len(calls)} -----\n{prompt}" for number, (prompt, _) in enumerate(calls, 1))
    first = calls[0][1]
    return StageDraft[type(output)](
        output=output, final_prompt=final_prompt, prompt_template_version=template.version, provider=first.provider,
        model=first.model, seed=seed, guidance=guidance, usage=usage,
        latency_ms=round((time.perf_counter() - started) * 1000, 3), input_digest=digest(inputs), calls=records)


def text_or_none(value: str) -> str:
    """A prompt's stand-in for an empty field."""
    return " ".join(value.split()) if value and value.strip() else "(none)"
