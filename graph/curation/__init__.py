"""Curation: what a person decides about the graph, written whole or not at all.

* ``review``: ``review_fact`` confirms or rejects one fact.
* ``merges``: ``merge_actors`` makes two actors one; ``split_actor`` undoes a merge exactly.
* ``links``: ``link_actors`` records a fact between two actors that a person knows of, with
  the quote of a complaint that supports it.
* ``cases``: ``open_case``/``update_case`` record a prosecutor's case;
  ``measures``: ``record_protection_measure`` a protection measure, with their links as
  manual facts.
* ``checks`` and ``edges``: what the operations share.

Every operation runs in one store transaction, so nothing is ever half-written, and
every one is idempotent: running it again (a retry) changes nothing it did already.
"""
