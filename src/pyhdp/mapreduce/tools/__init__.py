"""Hadoop's tools on the MapReduce engine: ``hadoop distcp``."""
