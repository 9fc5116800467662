"""Who the caller is: user name (``HADOOP_USER_NAME`` or the login name) and groups."""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyhdp.conf import Configuration


@functools.lru_cache(maxsize=1)
def login_user() -> str:
    """The OS login name of this process."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return os.environ.get("USER") or os.environ.get("USERNAME") or "nobody"


def current_user(conf: Configuration | None = None) -> str:
    """``HADOOP_USER_NAME`` (environment, then configuration) else the login name."""
    name = os.environ.get("HADOOP_USER_NAME")
    if not name and conf is not None:
        name = conf.get("hadoop.user.name") if "hadoop.user.name" in conf else None
    return name or login_user()


@functools.lru_cache(maxsize=64)
def groups_of(user: str) -> tuple[str, ...]:
    """The OS groups of ``user`` (primary first); empty when the OS does not know the user,
    as Hadoop's ShellBasedUnixGroupsMapping answers for an unknown user."""
    try:
        import grp
        import pwd

        pw = pwd.getpwnam(user)
    except (ImportError, KeyError):
        return ()
    names = []
    try:
        primary = grp.getgrgid(pw.pw_gid).gr_name
        names.append(primary)
    except KeyError:
        pass
    for gid in os.getgrouplist(user, pw.pw_gid):
        try:
            name = grp.getgrgid(gid).gr_name
        except KeyError:
            continue
        if name not in names:
            names.append(name)
    return tuple(names)


def static_group_overrides(conf: Configuration | None) -> dict[str, tuple[str, ...]]:
    """``hadoop.user.group.static.mapping.overrides`` (``user1=g1,g2;user2=;``) as a mapping."""
    text = conf.get("hadoop.user.group.static.mapping.overrides") if conf is not None else None
    overrides: dict[str, tuple[str, ...]] = {}
    for item in (text or "").split(";"):
        user, sep, groups = item.partition("=")
        if sep and user.strip():
            overrides[user.strip()] = tuple(g.strip() for g in groups.split(",") if g.strip())
    return overrides


def groups_for(user: str, conf: Configuration | None = None) -> tuple[str, ...]:
    """Groups of ``user`` as Hadoop resolves them: the static overrides of ``conf`` first, then the OS."""
    overrides = static_group_overrides(conf)
    if user in overrides:
        return overrides[user]
    return groups_of(user)
