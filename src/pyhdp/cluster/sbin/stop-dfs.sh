#!/usr/bin/env bash
# Launcher for 'stop-dfs.sh' (Hadoop's sbin script) that works from an installed pyhdp or straight from a checkout.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py="${PYHDP_PYTHON:-python3}"
if [ -d "$here/../../../pyhdp" ]; then
  export PYTHONPATH="$here/../../..${PYTHONPATH:+:$PYTHONPATH}"
fi
exec "$py" -c 'import sys; from pyhdp.cluster.scripts import script_main; sys.exit(script_main("stop-dfs.sh"))' "$@"
