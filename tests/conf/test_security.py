"""Who the caller is: HADOOP_USER_NAME, OS groups and Hadoop's static group overrides."""

from __future__ import annotations

import os

from pyhdp import security
from pyhdp.conf import Configuration


def test_current_user(monkeypatch):
    monkeypatch.setenv("HADOOP_USER_NAME", "bob")
    assert security.current_user() == "bob"
    monkeypatch.delenv("HADOOP_USER_NAME")
    conf = Configuration()
    conf.set("hadoop.user.name", "carol")
    assert security.current_user(conf) == "carol"
    assert security.current_user() == security.login_user()


def test_groups_of_the_login_user_and_unknown_users():
    import grp

    me = security.login_user()
    assert security.groups_of(me)[0] == grp.getgrgid(os.getgid()).gr_name
    assert security.groups_of("no-such-user-pyhdp") == ()


def test_static_overrides():
    conf = Configuration()
    assert security.groups_for("dr.who", conf) == ()  # Hadoop's default override
    conf.set("hadoop.user.group.static.mapping.overrides", "alice=g1, g2;bob=;")
    assert security.static_group_overrides(conf) == {"alice": ("g1", "g2"), "bob": ()}
    assert security.groups_for("alice", conf) == ("g1", "g2")
    assert security.groups_for(security.login_user(), conf) == security.groups_of(security.login_user())
