"""Word lists and patterns of the extractor, as data: one module per theme, constants built once
at import (frozen sets, tuples and compiled expressions read in the hot paths)."""
