"""The version history every stage page shows: a table, a look at any old version, restore."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.costs.ledger import MONEY_FORMAT
from core.story.versions import StageView


def history_table(view: StageView) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Version": [v["version"] for v in view.history],
            "Status": [v["status"] for v in view.history],
            "Created": [v["created_at"] for v in view.history],
            "Guidance": [v["regeneration_guidance"] or _origin(v) for v in view.history],
            "Template": [v["prompt_template_version"] or "—" for v in view.history],
            "Model": [v["model"] or "—" for v in view.history],
            "Tokens in/out": [_tokens(v) for v in view.history],
            "Latency (ms)": [(v.get("generation") or {}).get("latency_ms") for v in view.history],
            "Cost": [float(v["cost_credits"]) for v in view.history],
        }
    )


def _tokens(version: dict) -> str:
    generation = version.get("generation") or {}
    return f"{generation['input_tokens']:,}/{generation['output_tokens']:,}" if "input_tokens" in generation else "—"


def _origin(version: dict) -> str:
    overrides = version["overrides"] or {}
    if "restored_from" in overrides:
        return f"restored from v{overrides['restored_from']}"
    if overrides.get("edited"):
        return "edited by hand"
    return "—"


def versions_panel(view: StageView, render: Callable[[dict], None], on_restore: Callable[[int], None]) -> None:
    """History table; pick a version to see it with `render`; restore it as a new version."""
    if not view.history:
        return
    with st.expander(f"Version history ({len(view.history)})", icon=":material/history:"):
        st.dataframe(history_table(view), hide_index=True, width="stretch",
                     column_config={"Cost": st.column_config.NumberColumn("Cost", format=MONEY_FORMAT)})
        numbers = [v["version"] for v in view.history]
        chosen = st.selectbox("Look at version", numbers, key=f"look_{view.stage.number}")
        old = next(v for v in view.history if v["version"] == chosen)
        render(old)
        if chosen != view.latest["version"] and st.button(
            f"Restore version {chosen} as version {view.latest['version'] + 1}", key=f"restore_{view.stage.number}"
        ):
            on_restore(chosen)
