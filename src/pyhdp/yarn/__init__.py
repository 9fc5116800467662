"""YARN: ResourceManager, NodeManagers, the MapReduce ApplicationMaster and the ``yarn`` commands.

* :mod:`pyhdp.yarn.rm.core` — the ResourceManager as a pure state machine: events in
  (``SubmitApp``, ``NodeHeartbeat``, ``Allocate``, ``Tick`` ...), instructions out
  (``LaunchContainer``, ``StopContainer``); the scheduler (memory + vcores, capacity queues,
  node-then-any locality) in :mod:`pyhdp.yarn.rm.scheduler`.
* :mod:`pyhdp.yarn.rm.server` — the ``yarn resourcemanager`` daemon (aiohttp): REST
  ``/ws/v1/cluster/...``, the ``/cluster`` page, and the HMAC-signed NM / AM / client
  protocols under ``/rpc/``; the state store (:mod:`pyhdp.yarn.rm.store`).
* :mod:`pyhdp.yarn.nm.server` — the ``yarn nodemanager`` daemon: container processes,
  memory enforcement, log aggregation.
* :mod:`pyhdp.yarn.mrapp` — MapReduce on YARN: the client runner, the ApplicationMaster,
  the task container entry point.
"""
