"""Train chapter 6's MNIST networks from the command line, and record the results.

    python scripts/train_mnist.py sgd                     # 784-100-200-10, as in the chapter
    python scripts/train_mnist.py sgd --epochs 30 --record results/mnist_runs.json
    python scripts/train_mnist.py adam --epochs 20 --seed 1
    python scripts/train_mnist.py mse --batch-size 64

Three configurations, the chapter's own (`nnlib.MNIST_RUNS`, written in chapter 6) unless
options say otherwise:

    mse   784-16-10, ReLU, sigmoid outputs, mean squared error, SGD lr 2, batch 32, 10 epochs
    sgd   784-100-200-10, ReLU, softmax cross-entropy, SGD lr 0.1 with linear decay,
          batch 32, images shifted by up to 1 pixel each epoch, 12 epochs
    adam  784-128-64-10, ReLU, softmax cross-entropy, Adam lr 1e-3, batch 64, 5 epochs

They are trained with the chapter's loop, `nnlib.train_run`, with the same seeds, so a default run
reproduces the chapter's numbers. As in the chapter, the last 10,000 training images are the
validation set and the test set is evaluated once, after training; the trained network's loss and
accuracy on its (unshifted) training images are recorded too, to show how
closely it fits them. With --record, the run is
added to a JSON file (a run with the same command replaces the old one); chapter 6 shows
`results/mnist_runs.json`. The MNIST files are found as `nnlib.load_mnist` finds them (set
NNLIB_DATA). nnlib must be installed (`make setup` installs this checkout's, editable).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import shlex
import sys
import time
from pathlib import Path

from nnlib import MNIST_RUNS, MNISTRun, accuracy, evaluate, load_mnist, train_run

# The chapter's runs as the settings the command line can change, by name ("mse", "sgd", "adam").
CONFIGS = {name: dict(dataclasses.asdict(run), sizes=list(run.sizes)) for name, run in MNIST_RUNS.items()}


def train(config, seed=0, progress=True):
    """Train one configuration with the chapter's loop; return a dict of what it reached."""
    data = load_mnist(flatten=True, scale=True, validation=10_000)
    run = MNISTRun(**dict(config, sizes=tuple(config["sizes"])))

    def report(epoch, history):
        if progress:
            print(f"epoch {epoch}/{run.epochs}: loss {history['loss'][-1]:.4f}, "
                  f"validation accuracy {history['val_accuracy'][-1]:.2%}", flush=True)

    start = time.perf_counter()
    net, history = train_run(run, data, seed=seed, on_epoch=report)
    seconds = time.perf_counter() - start
    # The trained network on its own training images (unshifted): how well it fits them.
    train_loss, train_accuracy = evaluate(net, run.loss_function(), data.X_train, run.targets(data.y_train))
    return {
        "train_loss": round(float(train_loss), 4),
        "train_accuracy": round(float(train_accuracy), 4),
        "val_accuracy": round(float(history["val_accuracy"][-1]), 4),
        "test_accuracy": round(accuracy(net, data.X_test, data.y_test), 4),
        "seconds": round(seconds, 1),
    }


def record(path, run):
    """Add `run` to the JSON file at `path`, replacing an earlier run of the same command."""
    path = Path(path)
    runs = json.loads(path.read_text()) if path.exists() else {"runs": []}
    if not isinstance(runs, dict) or not isinstance(runs.get("runs"), list):
        raise ValueError(f"{path} is not a file of recorded runs: expected {{\"runs\": [...]}}, "
                         f"got {str(runs)[:80]}")
    runs = runs["runs"]
    runs = [r for r in runs if r["command"] != run["command"]] + [run]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"runs": runs}, indent=2) + "\n")
    tmp.replace(path)  # atomic: a reader never sees half a file


def parser():
    p = argparse.ArgumentParser(description="Train chapter 6's MNIST networks.", allow_abbrev=False,
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("config", choices=sorted(CONFIGS), help="which network (see below)")
    p.add_argument("--epochs", type=int, help="number of epochs")
    p.add_argument("--lr", type=float, help="(initial) learning rate")
    p.add_argument("--batch-size", type=int, help="minibatch size")
    p.add_argument("--shift", type=int, help="shift the training images by up to this many pixels (0: off)")
    p.add_argument("--decay", choices=["none", "linear"], help="learning-rate schedule")
    p.add_argument("--seed", type=int, default=0, help="seed of the weights and the shuffling (default 0)")
    p.add_argument("--record", metavar="JSON", help="add the result to this JSON file")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    return p


def settings(argv):
    """(args, config): the parsed command line and the configuration it asks for.

    Exits with a usage message (SystemExit 2) when an option is out of range.
    """
    p = parser()
    args = p.parse_args(argv)
    config = dict(CONFIGS[args.config])
    for key in ("epochs", "lr", "batch_size", "shift", "decay"):
        if getattr(args, key) is not None:
            config[key] = getattr(args, key)
    problems = [f"{name} must be {rule}, got {config[key]}" for key, name, rule, ok in [
        ("epochs", "--epochs", "at least 1", config["epochs"] >= 1),
        ("batch_size", "--batch-size", "at least 1", config["batch_size"] >= 1),
        ("shift", "--shift", "from 0 to 27 pixels", 0 <= config["shift"] <= 27),
        ("lr", "--lr", "positive", config["lr"] > 0),
    ] if not ok]
    if problems:
        p.error("; ".join(problems))
    return args, config


def command_of(argv):
    """The command that reproduces a run: argv without --record (either form) and --quiet."""
    words, skip = [], False
    for word in argv:
        if skip:
            skip = False
        elif word == "--record":
            skip = True  # the next word is the JSON file
        elif not (word.startswith("--record=") or word == "--quiet"):
            words.append(word)
    return shlex.join(["python", "scripts/train_mnist.py", *words])


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    args, config = settings(argv)
    result = train(config, seed=args.seed, progress=not args.quiet)
    architecture = "-".join(map(str, config["sizes"]))
    print(f"{args.config}: {architecture}, {config['epochs']} epochs: validation accuracy "
          f"{result['val_accuracy']:.2%}, test accuracy {result['test_accuracy']:.2%} "
          f"({result['seconds']:.0f} s)")
    if args.record:
        record(args.record, {"config": args.config, "architecture": architecture, **config, "seed": args.seed,
                             **result, "command": command_of(argv), "machine": f"{platform.machine()}, "
                             f"{platform.python_implementation()} {platform.python_version()}"})
    return result


if __name__ == "__main__":
    main()
