"""scripts/train_mnist.py: its argument checks, how it records runs, and that its defaults are chapter 6's."""
import ast
import dataclasses
import importlib.util
import json
import re
import shlex
from pathlib import Path

import pytest

import nnlib

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "notebooks" / "06_mnist_mlp.md"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("train_mnist", ROOT / "scripts" / "train_mnist.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def no_training(script, monkeypatch):
    """Replace the training by a stub that records its arguments and returns fixed numbers."""
    calls = []

    def train(config, seed=0, progress=True):
        calls.append((dict(config), seed, progress))
        return {"val_accuracy": 0.5, "test_accuracy": 0.25, "seconds": 1.0}

    monkeypatch.setattr(script, "train", train)
    return calls


# --- the command line -------------------------------------------------------------

@pytest.mark.parametrize("argv, words", [
    (["sgd", "--epochs", "0"], "--epochs must be at least 1, got 0"),
    (["adam", "--batch-size", "0"], "--batch-size must be at least 1, got 0"),
    (["sgd", "--shift", "-1"], "--shift must be from 0 to 27 pixels, got -1"),
    (["sgd", "--shift", "28"], "--shift must be from 0 to 27 pixels, got 28"),
    (["mse", "--lr", "0"], "--lr must be positive, got 0.0"),
    (["mse", "--lr", "nan"], "--lr must be positive, got nan"),
    (["sgd", "--epochs", "0", "--lr", "-1"], "--epochs must be at least 1, got 0; --lr must be positive, got -1.0"),
    (["cnn"], "invalid choice: 'cnn'"),
    (["sgd", "--epochs", "1.5"], "invalid int value: '1.5'"),
    (["sgd", "--decay", "cosine"], "invalid choice: 'cosine'"),
    (["sgd", "--rec", "runs.json"], "unrecognized arguments: --rec"),  # no abbreviations: see command_of
])
def test_bad_arguments_stop_before_training(script, no_training, capsys, argv, words):
    with pytest.raises(SystemExit) as info:
        script.main(argv)
    assert info.value.code == 2
    assert words in capsys.readouterr().err
    assert no_training == []


def test_options_override_the_configuration(script, no_training):
    args, config = script.settings(["sgd", "--decay", "none", "--shift", "0", "--epochs", "30", "--seed", "3"])
    assert config == {**script.CONFIGS["sgd"], "decay": "none", "shift": 0, "epochs": 30}
    assert args.seed == 3
    script.main(["adam", "--lr", "0.01", "--batch-size", "128", "--quiet"])
    assert no_training == [({**script.CONFIGS["adam"], "lr": 0.01, "batch_size": 128}, 0, False)]
    assert script.CONFIGS["adam"]["lr"] == 1e-3  # the defaults themselves are untouched


# --- recording runs ----------------------------------------------------------------

def test_record_adds_replaces_and_writes_atomically(script, tmp_path):
    path = tmp_path / "sub" / "runs.json"
    script.record(path, {"command": "a", "test_accuracy": 0.1})
    script.record(path, {"command": "b", "test_accuracy": 0.2})
    script.record(path, {"command": "a", "test_accuracy": 0.3})  # the same command: replaces the first
    assert json.loads(path.read_text()) == {"runs": [{"command": "b", "test_accuracy": 0.2},
                                                     {"command": "a", "test_accuracy": 0.3}]}
    assert sorted(p.name for p in path.parent.iterdir()) == ["runs.json"]  # no temporary file left


@pytest.mark.parametrize("text", ['[1, 2]', '{"runs": 3}', '{"other": []}'])
def test_record_refuses_a_file_of_something_else(script, tmp_path, text):
    path = tmp_path / "runs.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=r'not a file of recorded runs: expected \{"runs": \[...\]\}'):
        script.record(path, {"command": "a"})
    assert path.read_text() == text


@pytest.mark.parametrize("record_args", [["--record", "{path}"], ["--record={path}"]])
def test_main_records_the_command_that_reproduces_the_run(script, no_training, tmp_path, capsys, record_args):
    path = tmp_path / "runs.json"
    argv = ["sgd", "--epochs", "2", *(a.format(path=path) for a in record_args), "--quiet", "--seed", "1"]
    assert script.main(argv) == {"val_accuracy": 0.5, "test_accuracy": 0.25, "seconds": 1.0}
    assert "sgd: 784-100-200-10, 2 epochs: validation accuracy 50.00%, test accuracy 25.00%" in capsys.readouterr().out
    [run] = json.loads(path.read_text())["runs"]
    assert run["command"] == "python scripts/train_mnist.py sgd --epochs 2 --seed 1"
    assert run["config"] == "sgd" and run["architecture"] == "784-100-200-10" and run["seed"] == 1
    assert run["epochs"] == 2 and run["test_accuracy"] == 0.25 and run["machine"]


def test_a_tiny_real_run_is_recorded(script, tmp_path, monkeypatch, mnist_dir):
    monkeypatch.setenv("NNLIB_DATA", str(mnist_dir))
    path = tmp_path / "runs.json"
    result = script.main(["mse", "--epochs", "1", "--quiet", "--record", str(path)])
    assert result["val_accuracy"] > 0.8 and result["test_accuracy"] > 0.8
    [run] = json.loads(path.read_text())["runs"]
    assert run["command"] == "python scripts/train_mnist.py mse --epochs 1"
    assert run["val_accuracy"] == result["val_accuracy"]


PLAIN = ["sgd", "--decay", "none", "--shift", "0", "--epochs", "25"]  # the course's plain recipe


def test_the_plain_recipe_is_recorded_as_the_script_writes_it(script, tmp_path, monkeypatch, mnist_dir):
    """The plain recipe (784-100-200-10, SGD at 0.1, batch 32, no augmentation, 25 epochs) that chapter
    6 quotes was trained by the script: the recorded run has exactly the fields a real run of the script
    writes (here a one-epoch run of the same command), the recipe's settings, and what the chapter says
    of it (below 98.5 %, the training images learnt by heart)."""
    runs = {run["command"]: run for run in json.loads((ROOT / "results" / "mnist_runs.json").read_text())["runs"]}
    full = runs[script.command_of(PLAIN)]
    assert (full["architecture"], full["loss"], full["optimizer"], full["lr"], full["batch_size"], full["decay"],
            full["shift"], full["epochs"]) == ("784-100-200-10", "softmax_cross_entropy", "sgd", 0.1, 32, "none", 0, 25)
    assert 0.97 < full["val_accuracy"] < 0.985 and full["train_loss"] < 0.005 and full["train_accuracy"] > 0.999

    monkeypatch.setenv("NNLIB_DATA", str(mnist_dir))
    path = tmp_path / "runs.json"
    short_argv = PLAIN[:-1] + ["1"]  # the same command, one epoch
    script.main(short_argv + ["--quiet", "--record", str(path)])
    [short] = json.loads(path.read_text())["runs"]
    assert short["command"] == script.command_of(short_argv)
    assert sorted(short) == sorted(full)  # the recorded run is what the script writes...
    for run in runs.values():
        assert sorted(run) == sorted(short), run["command"]  # ...and so is every other recorded run
    assert {k: v for k, v in short.items() if k not in RESULTS} == {
        **{k: v for k, v in full.items() if k not in RESULTS}, "epochs": 1, "command": short["command"]}
    assert 0.9 < short["val_accuracy"] < full["val_accuracy"]


RESULTS = ("train_loss", "train_accuracy", "val_accuracy", "test_accuracy", "seconds", "machine")


def test_recorded_runs_match_their_commands(script):
    """Every run in results/mnist_runs.json is what its command asks for with today's defaults."""
    runs = json.loads((ROOT / "results" / "mnist_runs.json").read_text())["runs"]
    assert runs
    for run in runs:
        words = shlex.split(run["command"])
        assert words[:2] == ["python", "scripts/train_mnist.py"], run["command"]
        args, config = script.settings(words[2:])
        assert {key: run[key] for key in config} == config, run["command"]
        assert (run["config"], run["seed"]) == (args.config, args.seed)
        assert run["architecture"] == "-".join(map(str, config["sizes"]))


# --- the defaults are chapter 6's --------------------------------------------------

def chapter_code() -> str:
    return "\n".join(re.findall(r"```\{code-cell\} ipython3\n(.*?)```", CHAPTER.read_text(), re.S))


def test_default_configurations_are_the_chapters(script):
    """The script's settings are the chapter's MNIST_RUNS, written down once in the chapter, and the
    chapter trains its networks from those very runs."""
    assert script.CONFIGS == {name: dict(dataclasses.asdict(run), sizes=list(run.sizes))
                              for name, run in nnlib.MNIST_RUNS.items()}
    assert nnlib.MNIST_RUNS == {"mse": nnlib.MSE_RUN, "sgd": nnlib.SGD_RUN, "adam": nnlib.ADAM_RUN}
    code = chapter_code()
    seed = re.search(r"\nSEED = (\d+)", code)
    assert seed and ast.literal_eval(seed.group(1)) == script.parser().get_default("seed")
    assert "net_mse = MSE_RUN.network(seed=SEED)" in code and "epochs=MSE_RUN.epochs, batch_size=MSE_RUN.batch_size" in code
    assert "= train_run(SGD_RUN, data, seed=SEED" in code
    assert re.search(r"= train_run\(\s*ADAM_RUN, data, seed=SEED", code)
    assert script.train.__code__.co_names.count("train_run") == 1  # the script trains with the chapter's loop
