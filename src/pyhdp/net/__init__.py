"""Network plumbing shared by the daemons and their clients.

* :mod:`.codec` — typed JSON for the NameNode protocol (dataclasses by name, a whitelist).
* :mod:`.errors` — Python errors ↔ Hadoop ``RemoteException`` (class names, HTTP status).
* :mod:`.auth` — the cluster secret, HMAC-signed requests and block access tokens.
* :mod:`.httpclient` — a keep-alive HTTP client (one connection per thread and address).
* :mod:`.packets` — the checksummed packet framing of block data on the wire.
"""
