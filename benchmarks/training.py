"""Train one configuration with nnlib or with its Keras twin, timing every epoch.

Both sides are timed the same way: the clock runs over the training of an epoch only; the test
accuracy measured after each epoch (to find when it first reaches the target) is not counted.
"""
from __future__ import annotations

import statistics
import time

import numpy as np

import nnlib


def _summary(epoch_seconds, test_accuracy, target, compile_seconds, cpu_seconds):
    """s/epoch (the median: robust to one disturbed epoch), final accuracy, time to target.

    cpu_seconds is the processor time of each epoch, summed over all threads: on a busy
    machine it is steadier than the wall-clock time, which is what the targets use.
    """
    steady = epoch_seconds[1:] if compile_seconds else epoch_seconds
    s_per_epoch = statistics.median(steady) if steady else None
    cpu_steady = cpu_seconds[1:] if compile_seconds else cpu_seconds
    to_target, elapsed = None, -compile_seconds
    for seconds, acc in zip(epoch_seconds, test_accuracy):
        elapsed += seconds
        if acc >= target:
            to_target = elapsed
            break
    return {
        "epoch_seconds": epoch_seconds,
        "test_accuracy": test_accuracy,
        "s_per_epoch": s_per_epoch,
        "cpu_seconds": cpu_seconds,
        "cpu_s_per_epoch": statistics.median(cpu_steady) if cpu_steady else None,
        "final_test_accuracy": test_accuracy[-1],
        "best_test_accuracy": max(test_accuracy),
        "target": target,
        "seconds_to_target": to_target,            # training time only (Keras: compile excluded)
        "epochs_to_target": next((i + 1 for i, a in enumerate(test_accuracy) if a >= target), None),
    }


def train_nnlib(config, data, epochs, target=0.98, seed=0):
    """nnlib.fit, exactly as a reader calls it (no progress bar), one epoch timed at a time."""
    net, loss, optimizer = config.build(seed)
    X, Y = data.X_train, config.targets(data.y_train)
    seconds, cpu, accuracy, start = [], [], [], [0.0, 0.0]

    def on_epoch(epoch, history):
        seconds.append(time.perf_counter() - start[0])
        cpu.append(time.process_time() - start[1])
        accuracy.append(nnlib.accuracy(net, data.X_test, data.y_test))
        optimizer.lr = config.lr_at(epoch + 1, epochs)  # the rate of the next epoch
        start[:] = time.perf_counter(), time.process_time()  # evaluation is not training time

    start[:] = time.perf_counter(), time.process_time()
    nnlib.fit(net, loss, optimizer, X, Y, epochs=epochs, batch_size=config.batch_size, rng=seed,
              progress=False, on_epoch=on_epoch)
    return _summary(seconds, accuracy, target, 0.0, cpu)


def train_keras(config, data, epochs, target=0.98, seed=0):
    """The Keras twin (same initial weights, loss, optimizer, batch size) trained with model.fit.

    Keras traces and compiles its training step during the first epoch (and again for the
    last, shorter batch), so the first epoch is longer: compile = first epoch - median of the
    others, reported apart; s/epoch is the median of the epochs after the first.
    """
    import keras  # imported here: KERAS_BACKEND is set by benchmarks/__main__.py

    from nnlib.keras_compare import keras_twin

    net, loss, optimizer = config.build(seed)
    X, Y = data.X_train, config.targets(data.y_train)
    model = keras_twin(net, loss, optimizer, Y=Y)  # the same weights as train_nnlib starts from
    seconds, cpu, accuracy = [], [], []

    class Clock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start, self.cpu = time.perf_counter(), time.process_time()

        def on_epoch_end(self, epoch, logs=None):
            float(logs["loss"])  # the epoch's results are on the host: its work is done
            seconds.append(time.perf_counter() - self.start)
            cpu.append(time.process_time() - self.cpu)
            out = model.predict(data.X_test, batch_size=1000, verbose=0)
            accuracy.append(float(np.mean(np.argmax(out, axis=1) == data.y_test)))

    # the same learning rate as nnlib in every epoch (Keras counts epochs from 0)
    schedule = keras.callbacks.LearningRateScheduler(lambda epoch, lr: config.lr_at(epoch + 1, epochs))
    keras.utils.set_random_seed(seed)  # Keras's own shuffling
    model.fit(X, Y, batch_size=config.batch_size, epochs=epochs, shuffle=True, verbose=0,
              callbacks=[schedule, Clock()])
    compile_seconds = max(0.0, seconds[0] - statistics.median(seconds[1:])) if len(seconds) > 1 else None
    result = _summary(seconds, accuracy, target, compile_seconds or 0.0, cpu)
    result["compile_seconds"] = compile_seconds
    result["first_epoch_seconds"] = seconds[0]
    return result
