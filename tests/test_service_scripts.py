"""The scripts `make test` runs to start PostgreSQL and install Chromium."""

import os
import subprocess
import textwrap
from pathlib import Path

SCRIPTS = Path(__file__).parent / "services"


def _stub(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text("#!/usr/bin/env bash\n" + textwrap.dedent(body))
    path.chmod(0o755)


def test_a_server_started_by_the_script_does_not_keep_the_services_lock(tmp_path: Path) -> None:
    """A second `make test` on the machine must not wait on the PostgreSQL server the first started."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    server_pid = tmp_path / "server.pid"
    _stub(bin_dir, "pg_lsclusters", "echo '15 main 5432 down postgres /data /log'\n")
    # Like pg_ctlcluster: the server daemonizes and outlives the script that started it.
    _stub(
        bin_dir,
        "pg_ctlcluster",
        f"setsid sleep 60 </dev/null >/dev/null 2>&1 &\necho $! > {server_pid}\n",
    )
    _stub(bin_dir, "pg_isready", "exit 0\n")
    _stub(bin_dir, "runuser", "echo 1\n")
    lock = tmp_path / "services.lock"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "WG_SERVICES_LOCK": str(lock)}

    started = subprocess.run(
        ["bash", str(SCRIPTS / "start-postgres.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    try:
        assert started.returncode == 0, started.stderr
        free = subprocess.run(["flock", "--nonblock", str(lock), "true"], timeout=10)
        assert free.returncode == 0, "the started server still holds the services lock"
    finally:
        if server_pid.exists():
            subprocess.run(["kill", server_pid.read_text().strip()], check=False)
