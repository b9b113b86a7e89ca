"""drill: behavioral interview prep with a story bank and FSRS spaced repetition."""

__version__ = "0.1.0"
