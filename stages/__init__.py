"""One module per generating stage: typed inputs -> versioned prompt -> provider -> validated output.

    treatment.write_treatments     Stage 2   TreatmentInputs -> StageDraft[TreatmentSet]
    beats.write_beat_sheet         Stage 3   BeatSheetInputs -> StageDraft[BeatSheet]
    script.write_master_script     Stage 4   ScriptInputs    -> StageDraft[MasterScript]
    script.import_screenplay       Stage 4   ImportInputs    -> StageDraft[MasterScript]  (import mode, no provider)
    assets.extract_assets          Stage 5   AssetInputs     -> StageDraft[AssetSet]
    assets.draw_asset_reference    Stage 5   Asset + VisualStyle -> ImageDraft

Every function takes its provider as an argument (core.providers.base protocols), so the offline engine,
a real model or a test double is a choice of the caller. Prompts live in `stages/prompts/`, versioned.
"""
