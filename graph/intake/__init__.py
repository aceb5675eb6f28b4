"""A complaint arrives: received durably, extracted, written, its entities resolved, re-extracted
when the NLP improves.
"""
