"""The offline engine: a rule-based draft writer and a storyboard renderer, used when no API key is set.

Everything it writes is derived from the creator's own text (names, places, sentences, quoted speech),
deterministically: the same inputs and seed give the same draft. `writer.draft(task, inputs, seed)` is
the text entry point; `storyboard.render_reference(subject, ...)` draws an asset's reference image.
"""
