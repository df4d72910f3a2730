"""kg: a knowledge-graph builder for news text, with span provenance for every fact."""

__version__ = "0.1.0"
