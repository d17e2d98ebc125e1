"""scripts/train_mnist.py: its argument checks, how it records runs, and that its defaults are chapter 5's."""
import ast
import importlib.util
import inspect
import json
import os
import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "notebooks" / "05_mnist_mlp.md"
MNIST_DIR = Path(os.environ.get("NNLIB_DATA") or ROOT.parent / "shared" / "data" / "mnist")
needs_mnist = pytest.mark.skipif(not any(MNIST_DIR.glob("train-images-idx3-ubyte*")),
                                 reason=f"real MNIST not found in {MNIST_DIR} (set NNLIB_DATA)")


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


@needs_mnist
def test_a_tiny_real_run_is_recorded(script, tmp_path, monkeypatch):
    monkeypatch.setenv("NNLIB_DATA", str(MNIST_DIR))
    path = tmp_path / "runs.json"
    result = script.main(["mse", "--epochs", "1", "--quiet", "--record", str(path)])
    assert result["val_accuracy"] > 0.8 and result["test_accuracy"] > 0.8
    [run] = json.loads(path.read_text())["runs"]
    assert run["command"] == "python scripts/train_mnist.py mse --epochs 1"
    assert run["val_accuracy"] == result["val_accuracy"]


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


# --- the defaults are chapter 5's --------------------------------------------------

def chapter_code() -> str:
    return "\n".join(re.findall(r"```\{code-cell\} ipython3\n(.*?)```", CHAPTER.read_text(), re.S))


def find(pattern: str, code: str):
    """The groups that `pattern` matches in the chapter's code (the same wherever it matches), as values."""
    found = re.findall(pattern, code, re.S)
    assert found, f"{CHAPTER.name} has no code matching {pattern!r}: did the chapter change?"
    assert len(set(found)) == 1, f"{CHAPTER.name}: {pattern!r} matches different values {found}"
    groups = found[0] if isinstance(found[0], tuple) else (found[0],)
    values = tuple(ast.literal_eval(g) for g in groups)
    return values if len(values) > 1 else values[0]


def test_default_configurations_are_the_chapters(script):
    from nnlib import shift_images

    code = chapter_code()
    assert find(r"\nSEED = (\d+)", code) == script.parser().get_default("seed")
    mse, sgd, adam = (script.CONFIGS[name] for name in ("mse", "sgd", "adam"))

    assert find(r"net_mse = mlp\((\[[\d, ]+\]), output=Sigmoid\(\)\)", code) == mse["sizes"]
    assert (mse["output"], mse["loss"], mse["optimizer"]) == ("sigmoid", "mse", "sgd")
    assert find(r"\nMSE_EPOCHS = (\d+)", code) == mse["epochs"]
    assert find(r"fit\(net_mse, MSE\(\), SGD\(lr=([\d.]+)\),.*?batch_size=(\d+)", code) == (mse["lr"], mse["batch_size"])
    assert (mse["decay"], mse["shift"]) == ("none", 0)

    assert find(r"\nnet = mlp\((\[[\d, ]+\])\)", code) == sgd["sizes"]
    assert (sgd["output"], sgd["loss"], sgd["optimizer"]) == ("logits", "softmax_cross_entropy", "sgd")
    assert find(r"\nEPOCHS, LR0 = (\d+), ([\d.]+)", code) == (sgd["epochs"], sgd["lr"])
    assert "loss, sgd = SoftmaxCrossEntropy(), SGD(lr=LR0)" in code
    assert find(r"fit\(net, loss, sgd, X_epoch, y_train, epochs=1, batch_size=(\d+)", code) == sgd["batch_size"]
    assert "return LR0 * (1 - (epoch - 1) / EPOCHS)" in code and sgd["decay"] == "linear"
    assert "X_epoch = shift_images(X_train, train_rng)\n" in code
    assert inspect.signature(shift_images).parameters["max_shift"].default == sgd["shift"]

    assert find(r"net_adam = mlp\((\[[\d, ]+\])\)", code) == adam["sizes"]
    assert (adam["output"], adam["loss"], adam["optimizer"]) == ("logits", "softmax_cross_entropy", "adam")
    assert find(r"\nADAM_EPOCHS = (\d+)", code) == adam["epochs"]
    assert find(r"fit\(net_adam, SoftmaxCrossEntropy\(\), Adam\(lr=([\de.-]+)\),.*?batch_size=(\d+)", code) == (
        adam["lr"], adam["batch_size"])
