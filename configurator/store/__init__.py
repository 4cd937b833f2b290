"""The store: what the app keeps in its database, for the web app and the tooling alike.

* :mod:`.models`: the tables (users, designs, immutable revisions, audit events,
  sheet cache, impact runs, rule-set records);
* :mod:`.db`: engines, Alembic migrations (``migrations/``), and the session the
  store functions use (bound by the web app to its request's);
* :mod:`.designs`: every write about designs, one transaction per operation;
* :mod:`.backup`: ``configurator db backup|restore|upgrade``.

It imports the engine and the rules, never the web app (``tests/test_layers.py``):
the web app and the tooling (``rules impact``, ``rules coming``) both build on it.
"""
