"""The ResourceManager core driven by events, no sockets."""

from __future__ import annotations

import pytest

from pyhdp.conf import Configuration
from pyhdp.yarn.records import Resource, ResourceAsk
from pyhdp.yarn.rm import events as ev
from pyhdp.yarn.rm.core import RMCore, Settings
from pyhdp.yarn.rm.queues import QueueConfigError, build_queues

TS = 1700000000000


def core(nodes=2, mem=4096, vcores=4, expiry=10_000, attempts=2, queues=None) -> RMCore:
    s = Settings(Resource(256, 1), Resource(2048, 4), attempts, expiry)
    c = RMCore(TS, s, queues)
    for i in range(nodes):
        c.handle(ev.RegisterNode(0, f"host{i}:4545", f"host{i}:8042", Resource(mem, vcores)))
    return c


def submit(c: RMCore, now=1, queue="default", am_mb=512, name="job"):
    app = c.new_app_id()
    out = c.handle(ev.SubmitApp(now, app, "bob", name, queue, "MAPREDUCE", Resource(am_mb, 1), {"cmd": "x"}))
    return app, out


def start_am(c: RMCore, app: str, out, now=2):
    launch = [i for i in out if isinstance(i, ev.LaunchContainer) and i.app_id == app]
    assert launch, out
    cid = launch[0].container_id
    c.handle(ev.NodeHeartbeat(now, launch[0].node_id, [{"container_id": cid, "state": "RUNNING"}]))
    attempt = c.apps[app].attempt.attempt_id
    c.handle(ev.RegisterAM(now, attempt, "host0", 1234, "http://host0:1/"))
    return attempt, cid, launch[0].node_id


def test_ids_and_lifecycle_to_finished():
    c = core()
    app, out = submit(c)
    assert app == f"application_{TS}_0001"
    a = c.apps[app]
    assert a.state == "ACCEPTED" and a.final_status == "UNDEFINED"
    assert [s[1] for s in a.story] == ["NEW->SUBMITTED", "SUBMITTED->ACCEPTED"]
    attempt, cid, node = start_am(c, app, out)
    assert attempt == f"appattempt_{TS}_0001_000001"
    assert cid == f"container_{TS}_0001_01_000001"
    assert a.state == "RUNNING"
    c.handle(ev.FinishAM(5, attempt, "SUCCEEDED", "", "http://jhs/"))
    assert (a.state, a.final_status) == ("FINISHED", "SUCCEEDED")
    c.handle(ev.NodeHeartbeat(6, node, [{"container_id": cid, "state": "COMPLETE", "exit_status": 0}]))
    c.validate_state()
    assert c.nodes[node].used == Resource()


def test_normalisation_and_max_allocation():
    c = core()
    assert c.normalize(Resource(300, 1)) == Resource(512, 1)
    assert c.normalize(Resource(0, 0)) == Resource(256, 1)
    with pytest.raises(ev.InvalidResourceRequest, match="requestedMemory=4096, maxMemory=2048"):
        c.normalize(Resource(4096, 1))


def test_allocation_with_locality_then_any():
    c = core(nodes=2, mem=2048)
    app, out = submit(c)
    attempt, _cid, am_node = start_am(c, app, out)
    other = "host1:4545" if am_node == "host0:4545" else "host0:4545"
    other_host = other.split(":")[0]
    c.handle(ev.Allocate(3, attempt, [ResourceAsk(20, Resource(512, 1), 2, (other_host,))]))
    got = c.drain_allocation(attempt)["allocated"]
    assert [g["node_id"] for g in got] == [other, other]
    # node full for a third local ask of 1536: relaxed locality places it on the AM node
    c.handle(ev.Allocate(4, attempt, [ResourceAsk(20, Resource(1024, 1), 1, (other_host,))]))
    got = c.drain_allocation(attempt)["allocated"]
    assert [g["node_id"] for g in got] == [other]
    c.handle(ev.Allocate(5, attempt, [ResourceAsk(20, Resource(2048, 1), 1, (other_host,), False)]))
    assert c.drain_allocation(attempt)["allocated"] == []
    c.validate_state()


def test_memory_and_vcores_bound_allocation():
    c = core(nodes=1, mem=2048, vcores=2)
    app, out = submit(c, am_mb=512)
    attempt, *_ = start_am(c, app, out)
    c.handle(ev.Allocate(3, attempt, [ResourceAsk(20, Resource(256, 1), 5)]))
    got = c.drain_allocation(attempt)["allocated"]
    assert len(got) == 1  # the AM holds 1 of the 2 vcores
    c.validate_state()


def test_lost_node_reports_containers_and_reschedules_am():
    c = core(nodes=2, expiry=1000)
    app, out = submit(c)
    attempt, cid, node = start_am(c, app, out)
    c.handle(ev.Allocate(3, attempt, [ResourceAsk(20, Resource(512, 1), 4)]))
    alloc = c.drain_allocation(attempt)["allocated"]
    survivor = "host1:4545" if node == "host0:4545" else "host0:4545"
    c.handle(ev.NodeHeartbeat(1500, survivor, []))
    out = c.handle(ev.Tick(2100))
    assert c.nodes[node].state == "LOST"
    a = c.apps[app]
    # the AM was on the lost node: a second attempt, AM on the survivor
    assert len(a.attempts) == 2 and a.state == "ACCEPTED"
    assert "exitCode: -100" in a.attempts[0].diagnostics
    relaunch = [i for i in out if isinstance(i, ev.LaunchContainer)]
    assert relaunch and relaunch[0].node_id == survivor
    assert relaunch[0].container_id.endswith("_02_" + relaunch[0].container_id[-6:])
    assert all(
        c2.state == "COMPLETED"
        for c2 in a.containers.values()
        if c2.container_id in {x["container_id"] for x in alloc} and c2.node_id == node
    )
    c.validate_state()


def test_task_containers_lost_are_reported_to_am():
    c = core(nodes=2, expiry=1000)
    app, out = submit(c)
    attempt, cid, node = start_am(c, app, out)
    other = "host1:4545" if node == "host0:4545" else "host0:4545"
    c.handle(ev.Allocate(3, attempt, [ResourceAsk(20, Resource(512, 1), 1, (other.split(":")[0],), False)]))
    alloc = c.drain_allocation(attempt)["allocated"]
    c.handle(ev.NodeHeartbeat(1500, node, [{"container_id": cid, "state": "RUNNING"}]))
    c.handle(ev.Tick(2100))
    resp = c.drain_allocation(attempt)
    assert resp["lost_nodes"] == [other]
    assert [d["container_id"] for d in resp["completed"]] == [alloc[0]["container_id"]]
    assert resp["completed"][0]["exit_status"] == -100
    assert "*lost* node" in resp["completed"][0]["diagnostics"]


def test_am_failure_exhausts_attempts():
    c = core(attempts=2)
    app, out = submit(c)
    for n in (1, 2):
        launch = [i for i in out if isinstance(i, ev.LaunchContainer)][-1]
        out = c.handle(
            ev.NodeHeartbeat(
                10 * n,
                launch.node_id,
                [
                    {
                        "container_id": launch.container_id,
                        "state": "COMPLETE",
                        "exit_status": 1,
                        "diagnostics": "boom",
                    }
                ],
            )
        )
    a = c.apps[app]
    assert (a.state, a.final_status) == ("FAILED", "FAILED")
    assert a.diagnostics.startswith(f"Application {app} failed 2 times due to AM Container for")
    c.validate_state()


def test_kill_stops_containers():
    c = core()
    app, out = submit(c)
    attempt, cid, node = start_am(c, app, out)
    c.handle(ev.Allocate(3, attempt, [ResourceAsk(20, Resource(512, 1), 2)]))
    c.drain_allocation(attempt)
    out = c.handle(ev.KillApp(4, app))
    a = c.apps[app]
    assert (a.state, a.final_status) == ("KILLED", "KILLED")
    stops = {i.container_id for i in out if isinstance(i, ev.StopContainer)}
    assert len(stops) == 3 and cid in stops
    assert any(isinstance(i, ev.CleanupApp) for i in out)
    assert c.handle(ev.KillApp(5, app)) == []
    c.validate_state()


def test_unknown_queue_fails():
    c = core()
    app, _ = submit(c, queue="nope")
    a = c.apps[app]
    assert a.state == "FAILED"
    assert a.diagnostics == f"Application {app} submitted by user bob to unknown queue: nope"


def _queue_conf(**kv) -> Configuration:
    conf = Configuration()
    for k, v in kv.items():
        conf.set("yarn.scheduler.capacity." + k.replace("__", "."), v)
    return conf


def test_queue_capacities_and_max_capacity():
    conf = _queue_conf(
        root__queues="a,b", root__a__capacity="75", root__b__capacity="25", root__b__maximum___capacity="25"
    )
    conf.set("yarn.scheduler.capacity.root.b.maximum-capacity", "25")
    conf.set("yarn.scheduler.capacity.maximum-am-resource-percent", "1.0")
    root = build_queues(conf)
    c = core(nodes=1, mem=4096, vcores=16, queues=root)
    app_b, out_b = submit(c, queue="b", am_mb=256)
    att_b, *_ = start_am(c, app_b, out_b)
    c.handle(ev.Allocate(3, att_b, [ResourceAsk(20, Resource(256, 1), 10)]))
    got = c.drain_allocation(att_b)["allocated"]
    # b may use at most 25% of 4096 = 1024 MB: the AM's 256 + 3 x 256
    assert len(got) == 3
    app_a, out_a = submit(c, queue="a", am_mb=256)
    att_a, *_ = start_am(c, app_a, out_a)
    c.handle(ev.Allocate(4, att_a, [ResourceAsk(20, Resource(256, 1), 20)]))
    got_a = c.drain_allocation(att_a)["allocated"]
    assert len(got_a) == (4096 - 1024 - 256) // 256
    c.validate_state()


def test_queue_capacity_sum_checked():
    with pytest.raises(QueueConfigError, match="children of queue root"):
        build_queues(_queue_conf(root__queues="a,b", root__a__capacity="50", root__b__capacity="20"))


def test_fifo_within_queue_and_am_limit():
    conf = _queue_conf()
    conf.set("yarn.scheduler.capacity.maximum-am-resource-percent", "0.1")
    c = core(nodes=1, mem=4096, queues=build_queues(conf))
    a1, out1 = submit(c, am_mb=512, now=1)
    a2, out2 = submit(c, am_mb=512, now=2)
    # 10% of 4096 < 2 AMs of 512: the second waits
    assert c.apps[a1].attempt.state == "ALLOCATED"
    assert c.apps[a2].attempt.state == "SCHEDULED"
    att1, cid1, node = start_am(c, a1, out1)
    out = c.handle(ev.FinishAM(3, att1, "SUCCEEDED"))
    c.handle(ev.NodeHeartbeat(4, node, [{"container_id": cid1, "state": "COMPLETE", "exit_status": 0}]))
    assert c.apps[a2].attempt.state == "ALLOCATED"
    assert any(isinstance(i, ev.LaunchContainer) and i.app_id == a2 for i in out)


def test_move_app_between_queues():
    conf = _queue_conf(root__queues="a,b", root__a__capacity="50", root__b__capacity="50")
    c = core(queues=build_queues(conf))
    app, out = submit(c, queue="a")
    start_am(c, app, out)
    c.handle(ev.MoveApp(3, app, "b"))
    assert c.apps[app].queue == "b"
    q = {q.name: q for q in c.root.walk()}
    assert q["a"].used == Resource() and q["b"].used == Resource(512, 1)
    with pytest.raises(ev.InvalidStateError):
        c.handle(ev.MoveApp(4, app, "zzz"))


def test_unknown_node_heartbeat_resyncs():
    c = core(nodes=0)
    assert c.handle(ev.NodeHeartbeat(1, "x:1", [])) == [ev.Resync("x:1")]


def test_silent_am_times_out_and_is_retried():
    c = core(nodes=1)
    c.settings.am_expiry_ms = 1000
    app, out = submit(c)
    attempt, cid, node = start_am(c, app, out, now=2)
    c.handle(ev.Allocate(500, attempt, []))
    c.handle(ev.NodeHeartbeat(1400, node, [{"container_id": cid, "state": "RUNNING"}]))
    assert c.handle(ev.Tick(1400)) == []  # 900 ms since the last allocate
    out = c.handle(ev.Tick(1600))
    assert ev.StopContainer(node, cid) in out
    a = c.apps[app]
    assert len(a.attempts) == 2 and a.state == "ACCEPTED"
    assert f"ApplicationMaster for attempt {attempt} timed out" in a.attempts[0].diagnostics
    assert any(isinstance(i, ev.LaunchContainer) for i in out)
    c.validate_state()


def test_blacklisted_nodes_get_no_containers():
    c = core(nodes=2, mem=4096)
    app, out = submit(c)
    attempt, _cid, am_node = start_am(c, app, out)
    other = "host1:4545" if am_node == "host0:4545" else "host0:4545"
    c.handle(
        ev.Allocate(
            3, attempt, [ResourceAsk(20, Resource(512, 1), 3, (other.split(":")[0],))], blacklist=[other]
        )
    )
    got = c.drain_allocation(attempt)["allocated"]
    assert [g["node_id"] for g in got] == [am_node] * 3
