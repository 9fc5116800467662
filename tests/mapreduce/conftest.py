"""Fixtures of the MapReduce tests: an isolated configuration on ``file://`` temp dirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyhdp.conf import Configuration


@pytest.fixture
def mr_conf(tmp_path: Path) -> Configuration:
    conf = Configuration()
    conf.set("fs.defaultFS", "file:///")
    conf.set("hadoop.tmp.dir", str(tmp_path / "hadoop-tmp"))
    conf.set("mapreduce.jobhistory.done-dir", str(tmp_path / "history"))
    conf.set("mapreduce.local.map.tasks.maximum", "2")
    conf.set("mapreduce.client.progressmonitor.pollinterval", "50")
    return conf
