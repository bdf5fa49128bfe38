"""Model providers behind small protocols: text (LLMs), images, video. See `base`."""
