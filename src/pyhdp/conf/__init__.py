"""Hadoop-style configuration: bundled defaults, site files, ``-conf`` files and ``-D``."""

from pyhdp.conf.configuration import Configuration, load_configuration

__all__ = ["Configuration", "load_configuration"]
