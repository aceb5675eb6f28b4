"""All Cypher: the write side (``write``, ``intake``, ``access``, ``alerts``), the store's
schema (``schema``: constraints, indexes, versions), the read side by concern
(``listing``, ``filters``, ``search``, ``paths``, ``names``, ``risk``, ``analytics``), the
viewer's conditions (``visibility``) and the words the model vouches for (``labels``)."""
