"""Hadoop Streaming tests."""
