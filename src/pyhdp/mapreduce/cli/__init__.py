"""Job command lines: ``hadoop jar`` / ``yarn jar`` (:mod:`.jar`), Python job files (:mod:`.pyjob`), ``mapred job`` (:mod:`.job`)."""
