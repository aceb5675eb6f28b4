"""Who sees what: tokens, the audit chain, pseudonyms, redaction, names, the viewer policy."""
