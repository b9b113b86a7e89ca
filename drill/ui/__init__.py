"""The only package that imports prompt-toolkit: prompts, completion, toolbar, keys."""
