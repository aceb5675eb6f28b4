"""Patterns and warnings: projections, networkx metrics, risk (risk.toml) and alerts."""
