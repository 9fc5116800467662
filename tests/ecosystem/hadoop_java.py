"""Running Apache Hadoop's own Java FsShell (from the jars the pyspark wheel ships) in tests.

Uses ``/work/shared/compat/real-hadoop.sh`` semantics (same jars, same mount-namespace sandbox where
only /tmp is writable) but is self-contained so it also works where that script is absent.  The
JAX-RS shim in ``java/PyhdpRuntimeDelegate.java`` is compiled once into the classpath directory
(see its header: the shaded client jars lack Jersey's RuntimeDelegateImpl).
"""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
SERVICE = "META-INF/services/org.apache.hadoop.shaded.javax.ws.rs.ext.RuntimeDelegate"


def spark_jars() -> Path:
    import pyspark

    return Path(pyspark.__file__).resolve().parent / "jars"


def classpath_entries(jars: Path) -> list[str]:
    out = []
    for pattern in ("hadoop-client-api-*.jar", "hadoop-client-runtime-*.jar", "slf4j-api-*.jar"):
        out += sorted(str(p) for p in jars.glob(pattern))
    return out


class HadoopJava:
    """``run(*args)`` runs ``org.apache.hadoop.fs.FsShell args`` and returns the CompletedProcess."""

    def __init__(self, workdir: Path, core_site: dict[str, str] | None = None):
        self.workdir = workdir
        self.conf_dir = workdir / "classes"
        (self.conf_dir / "META-INF" / "services").mkdir(parents=True, exist_ok=True)
        jars = spark_jars()
        self.jars = classpath_entries(jars)
        runtime = [j for j in self.jars if "hadoop-client-runtime" in j]
        javac = shutil.which("javac")
        if javac and runtime:
            subprocess.run([javac, "-nowarn", "-d", str(self.conf_dir), "-cp", runtime[0],
                            str(HERE / "java" / "PyhdpRuntimeDelegate.java")], check=True, capture_output=True)
            (self.conf_dir / SERVICE).write_text("PyhdpRuntimeDelegate\n")
        body = "".join(f"<property><name>{k}</name><value>{v}</value></property>"
                       for k, v in (core_site or {}).items())
        (self.conf_dir / "core-site.xml").write_text(f'<?xml version="1.0"?>\n<configuration>{body}</configuration>\n')
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("HADOOP_", "PYHDP_"))}
        self.env.update({"HADOOP_USER_NAME": getpass.getuser(), "TMPDIR": str(workdir)})

    def argv(self, main: str, *args: str) -> list[str]:
        cp = os.pathsep.join([str(self.conf_dir), *self.jars])
        java = ["java", "-Xshare:auto", "-Dlog4j2.level=ERROR", "-Dlog4j.rootLogger=ERROR",
                "-Dslf4j.internal.verbosity=ERROR", "-cp", cp, main, *args]
        if os.geteuid() == 0 and shutil.which("unshare"):
            # Hadoop's FsShell runs as root here: only /tmp stays writable, as in real-hadoop.sh.
            return ["unshare", "-m", "sh", "-c",
                    'mount --make-rprivate / && mount --bind /tmp /tmp && mount -o remount,bind,ro / && exec "$@"',
                    "sh", *java]
        return java

    def fs(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(self.argv("org.apache.hadoop.fs.FsShell", *args), env=self.env, capture_output=True,
                              timeout=timeout, cwd=self.workdir)
