"""MNIST: read the IDX format with plain numpy, and find, download and verify the data.

    from nnlib import load_mnist
    data = load_mnist(flatten=True, scale=True, validation=10_000)
    data.X_train.shape      # (50000, 784), float32 in [0, 1]

Where `load_mnist` looks, in order (the first directory holding all four files wins):

1. the `path=` argument;
2. the directory named by the environment variable `NNLIB_DATA`;
3. the per-user cache, `$XDG_CACHE_HOME/nnlib/mnist` (default `~/.cache/nnlib/mnist`).

A directory holds a file if it has `<name>.gz` or the decompressed `<name>`. When none
has all four, the missing files are downloaded from `MIRRORS` (tried in order) into the
cache: each one is streamed to a temporary file beside its final place, verified, and
only then renamed into place (`os.replace` is atomic), so an interrupted or corrupted
download never leaves a file that looks complete. `mnist_files()` names the four files
that `load_mnist()` reads, after the same look-up.

Every file read is checked against MNIST's canonical SHA-256 of the *decompressed*
contents (`SHA256`; hashing 47 MB takes well under a second). A file that fails is
reported with `MNISTChecksumError`, naming the file and both hashes. A bad file in a
directory of yours (`path=`, `NNLIB_DATA`) is never touched; a bad file in the cache is
the loader's own, so it is deleted (and downloaded again when `download=True`).
Nothing is loaded with pickle.

Only numpy and the standard library are used, so `import nnlib` stays light.
"""
from __future__ import annotations

import gzip
import hashlib
import http.client
import math
import os
import sys
import tempfile
import urllib.request
import zlib
from pathlib import Path
from typing import NamedTuple, Optional

import numpy as np

__all__ = ["load_mnist", "read_idx", "mnist_files", "MNIST", "MNISTChecksumError", "FILES", "SHA256", "MIRRORS",
           "default_cache_dir"]

# The four files, by role. The names are the ones every MNIST mirror uses.
FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}

# SHA-256 of each file's decompressed contents: MNIST's canonical files.
SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}

# Public mirrors serving `<name>.gz`, tried in order.
MIRRORS = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
]

DOWNLOAD_TIMEOUT = 60  # seconds without data before a mirror counts as failed


class MNISTChecksumError(ValueError):
    """A file's decompressed contents do not have MNIST's canonical SHA-256."""


# ---------------------------------------------------------------------------
# The IDX format (chapter 5 shows this function).

# Byte 2 of the header says what the values are; MNIST uses only 0x08.
# Multi-byte values are stored big-endian (">").
_IDX_DTYPES = {0x08: "u1", 0x09: "i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(source) -> np.ndarray:
    """Read an IDX file, the format MNIST comes in, into a numpy array.

    `source` is a path (to the raw file or to its `.gz`) or the file's bytes.
    The format is a 4-byte magic number, the sizes, then the values:

        bytes 0-1   always zero
        byte  2     type of the values: 0x08 means unsigned bytes (uint8)
        byte  3     number of dimensions d
        next 4*d    the size of each dimension, as big-endian 32-bit integers
        the rest    the values, last dimension fastest (numpy's C order)

    So the MNIST training images start 00 00 08 03, then 60000, 28, 28,
    then 60000 * 28 * 28 pixels, one byte each.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        name, data = "IDX data", bytes(source)
    else:
        name = os.fspath(source)
        with open(name, "rb") as file:
            data = file.read()
    if data[:2] == b"\x1f\x8b":  # gzip's own magic number: decompress first
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            raise ValueError(f"{name}: the gzip data is broken ({error})") from None

    if len(data) < 4 or data[:2] != b"\0\0" or data[2] not in _IDX_DTYPES:
        raise ValueError(
            f"{name}: not an IDX file: expected the magic number 00 00 <type> <dims> "
            f"with a type in {sorted(_IDX_DTYPES)}, got {data[:4].hex(' ') or 'no bytes'}"
        )
    dtype, ndim = np.dtype(_IDX_DTYPES[data[2]]), data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{name}: truncated: the header needs {header} bytes, the data has {len(data)}")
    shape = tuple(int(n) for n in np.frombuffer(data, dtype=">i4", count=ndim, offset=4))
    size = header + math.prod(shape) * dtype.itemsize
    if len(data) != size:
        raise ValueError(
            f"{name}: the header promises shape {shape}, {size} bytes in all, but there are "
            f"{len(data)} bytes: the file is truncated or corrupt"
        )
    values = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return values.astype(dtype.newbyteorder("="))  # a writable copy in the machine's byte order


# ---------------------------------------------------------------------------
# Finding, downloading and verifying the files.


class MNIST(NamedTuple):
    """The data set: X are images, y are labels. X_val, y_val are None without a validation split."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: Optional[np.ndarray]
    y_val: Optional[np.ndarray]
    X_test: np.ndarray
    y_test: np.ndarray

    def __repr__(self) -> str:  # shapes, not 70,000 images' worth of numbers
        parts = [f"{k}=None" if v is None else f"{k}={v.dtype}{v.shape}" for k, v in self._asdict().items()]
        return f"MNIST({', '.join(parts)})"


def default_cache_dir() -> Path:
    """The per-user cache: $XDG_CACHE_HOME/nnlib/mnist, or ~/.cache/nnlib/mnist."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "nnlib" / "mnist"


def _find(directory: Path, name: str) -> Optional[Path]:
    """The file `name` or `name.gz` in `directory` (the raw one first: no decompression)."""
    for candidate in (directory / name, directory / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _missing(directory: Path) -> list[str]:
    return [name for name in FILES.values() if _find(directory, name) is None]


def _decompressed(path: Path) -> bytes:
    """The contents of `path`, decompressed when it is gzip; MNISTChecksumError if it cannot be."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            raise MNISTChecksumError(f"{path} is corrupt: it cannot be decompressed ({error})") from None
    return data


def _verified(path: Path, name: str, fix: str) -> bytes:
    """The decompressed contents of `path`, after checking their SHA-256."""
    try:
        data = _decompressed(path)
    except MNISTChecksumError as error:
        raise MNISTChecksumError(f"{error}. {fix}") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != SHA256[name]:
        raise MNISTChecksumError(
            f"{path} is corrupt: the SHA-256 of its decompressed contents is {actual}, "
            f"expected {SHA256[name]} (MNIST's {name}). {fix}"
        )
    return data


def _download(name: str, directory: Path, mirrors: list[str]) -> Path:
    """Download `name.gz` into `directory` from the first mirror that serves a good copy.

    Each attempt streams into a temporary file in `directory` and is renamed into
    place only after its checksum passed, so the final name never holds a bad file.
    """
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{name}.gz"
    failures = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + f"/{name}.gz"
        handle, temp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".part")
        temp = Path(temp)
        try:
            print(f"Downloading {url}", file=sys.stderr)
            with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
                size, done = response.headers.get("Content-Length"), 0
                while chunk := response.read(1 << 20):
                    done += out.write(chunk)
                if size is not None and done != int(size):
                    raise ConnectionError(f"the transfer stopped after {done} of {size} bytes")
            _verified(temp, name, fix="")
        except MNISTChecksumError as error:
            temp.unlink(missing_ok=True)
            failures.append((url, MNISTChecksumError(str(error).replace(str(temp), "the download").rstrip(". "))))
            continue
        except (OSError, http.client.HTTPException) as error:  # unreachable, 404, timeout, cut off, disk full...
            temp.unlink(missing_ok=True)
            failures.append((url, error))
            continue
        except BaseException:  # KeyboardInterrupt too: never leave a partial file behind
            temp.unlink(missing_ok=True)
            raise
        os.replace(temp, target)
        return target

    report = "\n".join(f"  {url}: {error}" for url, error in failures) or "  (no mirrors given)"
    if any(isinstance(error, MNISTChecksumError) for _, error in failures):
        raise MNISTChecksumError(
            f"Every mirror failed for {name}.gz; at least one served a corrupt file:\n{report}\n"
            f"Nothing was saved. Check the mirror list (nnlib.mnist.MIRRORS or mirrors=), try again later, "
            f"or copy the four MNIST files into a directory and set NNLIB_DATA to it."
        )
    raise FileNotFoundError(
        f"Could not download {name}.gz from any mirror:\n{report}\n"
        f"Copy the four MNIST files ({', '.join(FILES.values())}, .gz or not) into a directory and "
        f"set NNLIB_DATA to it, or pass load_mnist(path=...)."
    )


def _locate(path, cache: Path, download: bool, mirrors, who: str = "load_mnist") -> tuple[str, Path]:
    """(label, directory) of the first place holding all four files; downloads into the cache if none."""
    env = os.environ.get("NNLIB_DATA")
    places = [("NNLIB_DATA", Path(env) if env else None), ("cache", cache)]
    if path is not None:
        path = Path(os.fspath(path))  # TypeError for anything that is not a path
        if not path.is_dir():
            raise FileNotFoundError(f"{who}: path={str(path)!r} is not a directory")
        places.insert(0, ("path=", path))

    looked = []
    for label, directory in places:
        if directory is None:
            looked.append(f"  {label}: not set")
        elif not directory.is_dir():
            looked.append(f"  {label} {directory}: no such directory")
        elif missing := _missing(directory):
            looked.append(f"  {label} {directory}: missing {', '.join(missing)}")
        else:
            return label, directory

    where = f"MNIST not found. Looked for {', '.join(FILES.values())} (each .gz or not):\n" + "\n".join(looked)
    if not download:
        raise FileNotFoundError(f"{where}\nFix: set NNLIB_DATA to a directory holding the four files, "
                                "pass load_mnist(path=...), or allow download=True to fetch them into the cache.")
    for name in _missing(cache) if cache.is_dir() else FILES.values():
        try:
            _download(name, cache, mirrors)
        except FileNotFoundError as error:
            raise FileNotFoundError(f"{where}\n{error}") from None
    return "cache", cache


def _check_flag(name: str, value, who: str = "load_mnist") -> None:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{who}: {name} must be True or False, got {value!r}")


def _where(path, download, mirrors, cache_dir, who: str) -> tuple[str, Path, list]:
    """Check the look-up arguments; return (label, directory, mirrors) of the directory to read."""
    _check_flag("download", download, who)
    mirrors = MIRRORS if mirrors is None else mirrors
    if isinstance(mirrors, (str, bytes)) or not all(isinstance(m, str) for m in mirrors):
        raise TypeError(f"{who}: mirrors must be a list of base URLs (strings), got {mirrors!r}")
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    label, directory = _locate(path, cache, download, mirrors, who)
    return label, directory, mirrors


def mnist_files(path=None, *, download=True, mirrors=None, cache_dir=None) -> dict[str, Path]:
    """The four files `load_mnist` reads, given the same arguments, by role (the keys of `FILES`).

        mnist_files()["train_labels"]   # e.g. PosixPath('/home/me/.cache/nnlib/mnist/train-labels-idx1-ubyte.gz')

    The look-up is load_mnist's (path=, then NNLIB_DATA, then the cache, downloading into
    the cache when no directory has all four), so a directory that lacks a file is passed
    over here exactly as there. Unlike load_mnist it does not check the files' SHA-256.
    """
    _, directory, _ = _where(path, download, mirrors, cache_dir, "mnist_files")
    return {role: _find(directory, name) for role, name in FILES.items()}


def load_mnist(path=None, *, flatten=False, scale=False, one_hot=False, validation=0,
               dtype=np.float32, download=True, mirrors=None, cache_dir=None) -> MNIST:
    """Load MNIST as an `MNIST` named tuple (X_train, y_train, X_val, y_val, X_test, y_test).

    Raw (the defaults): images are uint8 arrays of shape (60000, 28, 28) and
    (10000, 28, 28) with values 0-255, labels are uint8 arrays of digits 0-9.

    flatten     images as rows of 784 pixels: (n, 784)
    scale       images as `dtype`, divided by 255 so they lie in [0, 1]
    one_hot     labels as (n, 10) arrays of `dtype` with a single 1 per row
    validation  hold out the LAST `validation` training images as (X_val, y_val);
                0 (the default) gives X_val = y_val = None
    download    fetch missing files into the cache (see the module docstring);
                False raises FileNotFoundError instead
    mirrors     base URLs to download from (default `MIRRORS`)
    cache_dir   the cache directory (default `default_cache_dir()`)
    """
    for flag in ("flatten", "scale", "one_hot"):
        _check_flag(flag, locals()[flag])
    if isinstance(validation, bool) or not isinstance(validation, (int, np.integer)):
        raise TypeError(f"load_mnist: validation must be a whole number of images, got {validation!r}")
    if validation < 0:
        raise ValueError(f"load_mnist: validation must be 0 or more images, got {validation}")
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"load_mnist: dtype must be a numpy floating type such as np.float32, got {dtype!r}") from None
    if dtype.kind != "f":
        raise ValueError(f"load_mnist: dtype must be a floating type such as np.float32, got {dtype}")
    label, directory, mirrors = _where(path, download, mirrors, cache_dir, "load_mnist")

    arrays = {}
    for role, name in FILES.items():
        file = _find(directory, name)
        if label != "cache":  # the user's own directory: report, never delete
            other = "pass another path=" if label == "path=" else "unset NNLIB_DATA"
            data = _verified(file, name, fix=f"Replace it with a good copy of {name} (or {other}, and "
                                             f"load_mnist will download verified files into its cache).")
        else:
            try:
                data = _verified(file, name, fix="")
            except MNISTChecksumError as error:
                file.unlink()  # our own cache: a bad file goes, so the next call starts clean
                if not download:
                    raise MNISTChecksumError(f"{str(error).rstrip('. ')}. It was deleted from the cache; "
                                             f"call load_mnist(download=True) to fetch a fresh copy.") from None
                data = _verified(_download(name, directory, mirrors), name, fix="")
        arrays[role] = read_idx(data)

    X_train, y_train = arrays["train_images"], arrays["train_labels"]
    X_test, y_test = arrays["test_images"], arrays["test_labels"]
    if validation >= len(X_train):
        raise ValueError(f"load_mnist: validation={validation} leaves no training images "
                         f"(there are {len(X_train)}); use fewer, such as 10000")

    def images(X):
        if flatten:
            X = X.reshape(len(X), -1)
        return X.astype(dtype) / dtype.type(255) if scale else X

    def labels(y):
        return np.eye(10, dtype=dtype)[y] if one_hot else y

    X_val = y_val = None
    if validation:
        X_train, X_val = X_train[:-validation], X_train[-validation:]
        y_train, y_val = y_train[:-validation], y_train[-validation:]
        X_val, y_val = images(X_val), labels(y_val)
    return MNIST(images(X_train), labels(y_train), X_val, y_val, images(X_test), labels(y_test))
