"""requirements.txt (pip) and environment.yml (conda/Binder) install the same packages."""
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def pip_requirements():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return {line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()}


def conda_pip_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_sections) == 1, "environment.yml should have exactly one pip: section"
    return {r for r in pip_sections[0] if r != "-e ."}


def test_every_requirement_is_pinned():
    loose = [r for r in pip_requirements() if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.]+", r)]
    assert not loose, f"requirements not pinned with ==: {loose}"


def test_environment_yml_lists_the_same_packages():
    pip, conda = pip_requirements(), conda_pip_requirements()
    assert pip == conda, (f"only in requirements.txt: {sorted(pip - conda)}; "
                          f"only in environment.yml: {sorted(conda - pip)}")


def test_environment_yml_installs_nnlib_and_python_311():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    pip = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)][0]
    assert "-e ." in pip


REQUIRED = ["numpy", "matplotlib", "ipywidgets", "jupyterlab", "jupytext", "nbval", "jupyter-book", "keras",
            "jax", "tqdm", "pytest"]


def pinned_versions(requirements):
    """{normalised package name: version} for requirements written as name==version."""
    pins = {}
    for r in requirements:
        name, sep, version = r.partition("==")
        if sep:
            pins[re.sub(r"[-_.]+", "-", name.split("[")[0]).lower()] = version
    return pins


@pytest.mark.parametrize("source", ["requirements.txt", "environment.yml"])
def test_the_course_packages_are_pinned(source):
    pins = pinned_versions(pip_requirements() if source == "requirements.txt" else conda_pip_requirements())
    missing = [name for name in REQUIRED if name not in pins]
    assert not missing, f"{source} does not pin {missing}"
    # the site is built with Jupyter Book 1 (2.x is a different tool) and chapter 6 compares with Keras 3
    assert pins["jupyter-book"].split(".")[0] == "1", f"{source}: jupyter-book must be 1.x, got {pins['jupyter-book']}"
    assert pins["keras"].split(".")[0] == "3", f"{source}: keras must be 3.x, got {pins['keras']}"
