"""Run one `proofolio ...` command in this process and report its peak memory (bench helper).

Peak RSS = this process's maximum plus the largest worker's (workers are children): an upper
bound of what the run held at once.
"""

from __future__ import annotations

import json
import resource
import sys

from proofolio.cli import main

if __name__ == "__main__":
    try:
        sys.argv = ["proofolio", *sys.argv[1:]]
        main()  # exactly what the console script runs
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"exit": code, "peak_rss_mb": round((own + children) / 1024, 1)}), file=sys.stderr)
