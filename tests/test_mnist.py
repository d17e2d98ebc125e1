"""Tests of nnlib.mnist: the IDX reader, the real data's shapes and scaling, the look-up
order, checksums, and downloads from a small HTTP server on 127.0.0.1."""
import gzip
import hashlib
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from nnlib import mnist
from nnlib.mnist import MNISTChecksumError, load_mnist, read_idx


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No test sees the user's NNLIB_DATA or cache, and none can reach the internet."""
    monkeypatch.delenv("NNLIB_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(mnist, "MIRRORS", [])
    monkeypatch.setattr(mnist, "DOWNLOAD_TIMEOUT", 10)


# ---------------------------------------------------------------------------
# read_idx


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode a uint8 array as IDX, written out here independently of nnlib."""
    return b"\0\0\x08" + bytes([array.ndim]) + struct.pack(f">{array.ndim}i", *array.shape) + array.tobytes()


def test_read_idx_handmade_bytes():
    data = b"\x00\x00\x08\x02" + b"\x00\x00\x00\x02" + b"\x00\x00\x00\x03" + bytes([0, 1, 2, 250, 254, 255])
    X = read_idx(data)
    assert X.dtype == np.uint8
    assert X.tolist() == [[0, 1, 2], [250, 254, 255]]
    X[0, 0] = 7  # a writable array, not a view of read-only bytes


def test_read_idx_big_endian_types():
    int16 = b"\x00\x00\x0b\x01\x00\x00\x00\x02" + b"\x01\x00" + b"\xff\xff"
    assert read_idx(int16).tolist() == [256, -1]
    float32 = b"\x00\x00\x0d\x01\x00\x00\x00\x01" + struct.pack(">f", 1.5)
    X = read_idx(float32)
    assert X.dtype == np.float32 and X.dtype.isnative and X.tolist() == [1.5]


def test_read_idx_from_raw_and_gz_files_and_gz_bytes(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, size=(4, 5, 6), dtype=np.uint8)
    (tmp_path / "x").write_bytes(idx_bytes(X))
    (tmp_path / "x.gz").write_bytes(gzip.compress(idx_bytes(X)))
    np.testing.assert_array_equal(read_idx(tmp_path / "x"), X)
    np.testing.assert_array_equal(read_idx(str(tmp_path / "x.gz")), X)
    np.testing.assert_array_equal(read_idx(gzip.compress(idx_bytes(X))), X)


@pytest.mark.parametrize(
    "data, words",
    [
        (b"\x01\x00\x08\x01\x00\x00\x00\x01\x05", ["not an IDX file", "01 00 08 01"]),
        (b"\x00\x00\x07\x01\x00\x00\x00\x01\x05", ["not an IDX file"]),
        (b"\x00\x00", ["not an IDX file"]),
        (b"\x00\x00\x08\x02\x00\x00\x00\x02", ["truncated", "header"]),
        (b"\x00\x00\x08\x02\x00\x00\x00\x02\x00\x00\x00\x03" + bytes(5), ["(2, 3)", "truncated"]),
        (b"\x00\x00\x08\x01\x00\x00\x00\x02" + bytes(3), ["(2,)", "corrupt"]),
    ],
)
def test_read_idx_rejects_bad_data_naming_the_file(tmp_path, data, words):
    file = tmp_path / "broken-idx1-ubyte"
    file.write_bytes(data)
    with pytest.raises(ValueError) as info:
        read_idx(file)
    assert str(file) in str(info.value)
    for word in words:
        assert word in str(info.value)


def test_read_idx_rejects_broken_gzip(tmp_path):
    file = tmp_path / "x.gz"
    file.write_bytes(gzip.compress(idx_bytes(np.zeros((100, 10), np.uint8)))[:-12])
    with pytest.raises(ValueError, match="gzip"):
        read_idx(file)


# ---------------------------------------------------------------------------
# The real data


@pytest.fixture(scope="module")
def raw(mnist_dir):  # mnist_dir: the real files (tests/conftest.py), or the test is skipped
    return load_mnist(mnist_dir, download=False)


def test_checksums_match_the_shared_sums_file(mnist_dir):
    sums = mnist_dir / "SHA256SUMS.raw"
    if not sums.is_file():
        pytest.skip(f"no {sums}")
    listed = dict(reversed(line.split()) for line in sums.read_text().splitlines() if line.strip())
    assert listed == mnist.SHA256


def test_raw_shapes_and_types(mnist_dir, raw):
    assert raw.X_train.shape == (60000, 28, 28) and raw.X_test.shape == (10000, 28, 28)
    assert raw.y_train.shape == (60000,) and raw.y_test.shape == (10000,)
    for array in (raw.X_train, raw.y_train, raw.X_test, raw.y_test):
        assert array.dtype == np.uint8
    assert raw.X_val is None and raw.y_val is None
    assert raw.X_train.min() == 0 and raw.X_train.max() == 255
    assert set(np.unique(raw.y_test)) == set(range(10))


def test_label_counts(mnist_dir, raw):
    # MNIST's published class sizes of the training set, digits 0-9.
    expected = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(raw.y_train, minlength=10).tolist() == expected
    assert np.bincount(raw.y_test, minlength=10).sum() == 10000


def test_reads_gz_and_raw_files_alike(mnist_dir, raw):
    np.testing.assert_array_equal(read_idx(mnist_dir / "t10k-labels-idx1-ubyte.gz"), raw.y_test)


def test_scaled_flat_one_hot_with_validation(mnist_dir, raw):
    data = load_mnist(mnist_dir, flatten=True, scale=True, one_hot=True, validation=10000, download=False)
    assert data.X_train.shape == (50000, 784) and data.X_val.shape == (10000, 784)
    assert data.X_test.shape == (10000, 784)
    assert data.y_train.shape == (50000, 10) and data.y_val.shape == (10000, 10) and data.y_test.shape == (10000, 10)
    for array in data:
        assert array.dtype == np.float32
    assert data.X_train.min() == 0.0 and data.X_train.max() == 1.0
    full_mean = np.concatenate([data.X_train, data.X_val]).mean(dtype=np.float64)
    assert abs(full_mean - 0.1307) < 5e-4  # the mean pixel of MNIST's training set
    # The validation images are the LAST 10,000 training images, in order.
    np.testing.assert_array_equal(data.X_val, raw.X_train[-10000:].reshape(10000, 784) / np.float32(255))
    np.testing.assert_array_equal(data.X_train[:5], raw.X_train[:5].reshape(5, 784) / np.float32(255))
    np.testing.assert_array_equal(data.y_val.argmax(1), raw.y_train[-10000:])
    np.testing.assert_array_equal(data.y_train.argmax(1), raw.y_train[:50000])
    assert (data.y_test.sum(1) == 1).all() and (data.y_test.max(1) == 1).all()
    assert "X_train=float32(50000, 784)" in repr(data)


def test_found_through_NNLIB_DATA(mnist_dir, raw, monkeypatch):
    monkeypatch.setenv("NNLIB_DATA", str(mnist_dir))
    data = load_mnist(download=False, scale=True, dtype=np.float64)
    assert data.X_test.dtype == np.float64 and data.y_test.dtype == np.uint8
    np.testing.assert_array_equal(data.y_test, raw.y_test)


# ---------------------------------------------------------------------------
# Tiny fake MNIST: same file names, a few images, checksums patched to match.


@pytest.fixture
def fake(monkeypatch):
    rng = np.random.default_rng(1)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, size=(12, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, size=12, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, size=5, dtype=np.uint8),
    }
    raw_bytes = {name: idx_bytes(a) for name, a in arrays.items()}
    monkeypatch.setattr(mnist, "SHA256", {n: hashlib.sha256(b).hexdigest() for n, b in raw_bytes.items()})
    return arrays, raw_bytes


def write(directory: Path, raw_bytes: dict, gz=True) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in raw_bytes.items():
        if gz:
            (directory / f"{name}.gz").write_bytes(gzip.compress(data))
        else:
            (directory / name).write_bytes(data)
    return directory


def corrupt(data: bytes) -> bytes:
    """The same length, one pixel changed: still parses, fails the checksum."""
    return data[:-1] + bytes([(data[-1] + 1) % 256])


def assert_loaded(data, arrays):
    np.testing.assert_array_equal(data.X_train, arrays["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(data.y_train, arrays["train-labels-idx1-ubyte"])
    np.testing.assert_array_equal(data.X_test, arrays["t10k-images-idx3-ubyte"])
    np.testing.assert_array_equal(data.y_test, arrays["t10k-labels-idx1-ubyte"])


def test_raw_files_work_as_well_as_gz(tmp_path, fake):
    arrays, raw_bytes = fake
    assert_loaded(load_mnist(write(tmp_path / "d", raw_bytes, gz=False), download=False), arrays)


def test_validation_split_of_fake_data(tmp_path, fake):
    arrays, raw_bytes = fake
    data = load_mnist(write(tmp_path / "d", raw_bytes), validation=4, one_hot=True, download=False)
    X = arrays["train-images-idx3-ubyte"]
    np.testing.assert_array_equal(data.X_train, X[:8])
    np.testing.assert_array_equal(data.X_val, X[8:])
    np.testing.assert_array_equal(data.y_val.argmax(1), arrays["train-labels-idx1-ubyte"][8:])
    with pytest.raises(ValueError, match="validation=12 leaves no training images"):
        load_mnist(tmp_path / "d", validation=12, download=False)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(validation=-1), ValueError, "validation must be 0 or more"),
        (dict(validation=2.5), TypeError, "validation must be a whole number"),
        (dict(validation=True), TypeError, "validation must be a whole number"),
        (dict(flatten="yes"), TypeError, "flatten must be True or False"),
        (dict(download=None), TypeError, "download must be True or False"),
        (dict(dtype=np.int32), ValueError, "floating type"),
        (dict(dtype="no-such-type"), TypeError, "floating type"),
        (dict(mirrors="http://127.0.0.1/"), TypeError, "list of base URLs"),
    ],
)
def test_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        load_mnist(**kwargs)


def test_explicit_path_must_be_a_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="is not a directory"):
        load_mnist(tmp_path / "nowhere", download=False)


def test_lookup_order_path_then_NNLIB_DATA_then_cache(tmp_path, fake, monkeypatch):
    """A corrupt copy lower in the order is never read; a corrupt copy higher up is the one reported."""
    arrays, raw_bytes = fake
    bad = {n: corrupt(b) for n, b in raw_bytes.items()}
    cache = tmp_path / "cache"
    # explicit path beats NNLIB_DATA and the cache
    monkeypatch.setenv("NNLIB_DATA", str(write(tmp_path / "env_bad", bad)))
    write(cache, bad)
    assert_loaded(load_mnist(write(tmp_path / "path", raw_bytes), cache_dir=cache, download=False), arrays)
    # NNLIB_DATA beats the cache
    monkeypatch.setenv("NNLIB_DATA", str(write(tmp_path / "env_good", raw_bytes)))
    assert_loaded(load_mnist(cache_dir=cache, download=False), arrays)
    # an explicit path is used (and its corrupt file reported) even when NNLIB_DATA is good
    with pytest.raises(MNISTChecksumError, match="path_bad"):
        load_mnist(write(tmp_path / "path_bad", bad), cache_dir=cache, download=False)
    # a directory missing a file is passed over for the next one
    (tmp_path / "path" / "t10k-labels-idx1-ubyte.gz").unlink()
    assert_loaded(load_mnist(tmp_path / "path", cache_dir=cache, download=False), arrays)
    # the cache comes last
    monkeypatch.delenv("NNLIB_DATA")
    write(cache, raw_bytes)
    assert_loaded(load_mnist(cache_dir=cache, download=False), arrays)


def test_mnist_files_names_the_files_load_mnist_reads(tmp_path, fake, monkeypatch):
    """NNLIB_DATA set but incomplete: both pass it over for the cache (chapter 6 reads a file by hand)."""
    arrays, raw_bytes = fake
    cache = write(tmp_path / "cache", raw_bytes)
    incomplete = write(tmp_path / "env", {"train-labels-idx1-ubyte": raw_bytes["train-labels-idx1-ubyte"]})
    monkeypatch.setenv("NNLIB_DATA", str(incomplete))
    files = mnist.mnist_files(cache_dir=cache, download=False)
    assert files == {role: cache / f"{name}.gz" for role, name in mnist.FILES.items()}
    assert read_idx(files["train_labels"]).tolist() == arrays["train-labels-idx1-ubyte"].tolist()
    assert_loaded(load_mnist(cache_dir=cache, download=False), arrays)
    # a complete NNLIB_DATA wins, an explicit path beats both, and a raw file is named before its .gz
    monkeypatch.setenv("NNLIB_DATA", str(write(tmp_path / "env2", raw_bytes)))
    assert mnist.mnist_files(cache_dir=cache, download=False)["test_images"] == tmp_path / "env2" / "t10k-images-idx3-ubyte.gz"
    mine = write(write(tmp_path / "mine", raw_bytes, gz=False), raw_bytes)
    assert mnist.mnist_files(mine, cache_dir=cache, download=False)["train_images"] == mine / "train-images-idx3-ubyte"


def test_mnist_files_reports_like_load_mnist(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"(?s)MNIST not found.*cache"):
        mnist.mnist_files(cache_dir=tmp_path / "cache", download=False)
    with pytest.raises(FileNotFoundError, match=r"mnist_files: path=.* is not a directory"):
        mnist.mnist_files(tmp_path / "nowhere", download=False)
    with pytest.raises(TypeError, match="mnist_files: download must be True or False"):
        mnist.mnist_files(download="no")
    with pytest.raises(TypeError, match="mnist_files: mirrors must be a list of base URLs"):
        mnist.mnist_files(mirrors="http://127.0.0.1/")


def test_default_cache_follows_XDG_CACHE_HOME(tmp_path, fake, monkeypatch):
    arrays, raw_bytes = fake
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg2"))
    assert mnist.default_cache_dir() == tmp_path / "xdg2" / "nnlib" / "mnist"
    write(tmp_path / "xdg2" / "nnlib" / "mnist", raw_bytes)
    assert_loaded(load_mnist(download=False), arrays)


def test_not_found_says_where_it_looked_and_how_to_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("NNLIB_DATA", str(tmp_path / "env"))
    (tmp_path / "p").mkdir()
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(tmp_path / "p", cache_dir=tmp_path / "cache", download=False)
    message = str(info.value)
    for words in [str(tmp_path / "p"), str(tmp_path / "env"), str(tmp_path / "cache"), "NNLIB_DATA", "path=",
                  "train-images-idx3-ubyte", "download=True"]:
        assert words in message
    assert not (tmp_path / "cache").exists()


def test_corrupt_file_in_users_directory_is_reported_not_deleted(tmp_path, fake, monkeypatch):
    arrays, raw_bytes = fake
    directory = write(tmp_path / "mine", raw_bytes)
    name = "train-labels-idx1-ubyte"
    bad_gz = gzip.compress(corrupt(raw_bytes[name]))
    (directory / f"{name}.gz").write_bytes(bad_gz)
    monkeypatch.setenv("NNLIB_DATA", str(directory))
    with pytest.raises(MNISTChecksumError) as info:
        load_mnist()
    message = str(info.value)
    assert str(directory / f"{name}.gz") in message
    assert mnist.SHA256[name] in message
    assert hashlib.sha256(corrupt(raw_bytes[name])).hexdigest() in message
    assert "NNLIB_DATA" in message and "good copy" in message
    assert isinstance(info.value, ValueError)
    assert (directory / f"{name}.gz").read_bytes() == bad_gz  # untouched


def test_unreadable_gzip_is_a_checksum_error(tmp_path, fake):
    arrays, raw_bytes = fake
    directory = write(tmp_path / "mine", raw_bytes)
    (directory / "t10k-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(MNISTChecksumError, match="cannot be decompressed"):
        load_mnist(directory, download=False)


def test_corrupt_file_in_cache_is_deleted_without_download(tmp_path, fake):
    arrays, raw_bytes = fake
    cache = write(tmp_path / "cache", raw_bytes)
    bad_file = cache / "t10k-images-idx3-ubyte.gz"
    bad_file.write_bytes(gzip.compress(corrupt(raw_bytes["t10k-images-idx3-ubyte"])))
    with pytest.raises(MNISTChecksumError, match="deleted from the cache") as info:
        load_mnist(cache_dir=cache, download=False)
    assert str(bad_file) in str(info.value)
    assert not bad_file.exists()
    assert sorted(p.name for p in cache.iterdir()) == sorted(f"{n}.gz" for n in raw_bytes if n != bad_file.stem)


# ---------------------------------------------------------------------------
# Downloads from a small HTTP server on 127.0.0.1


class Handler(BaseHTTPRequestHandler):
    """Serves self.server.files (URL path -> bytes); under /short/ it cuts the body in half."""

    def do_GET(self):
        self.server.requests.append(self.path)
        body = self.server.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if self.path.startswith("/short/") else body)

    def log_message(self, *args):  # keep the test output quiet
        pass


@pytest.fixture
def server(fake):
    """Mirrors at /good/, /bad/ (corrupt files), /short/ (cut-off transfers), /empty/ (404)."""
    _, raw_bytes = fake
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.files, httpd.requests = {}, []
    for name, data in raw_bytes.items():
        httpd.files[f"/good/{name}.gz"] = gzip.compress(data)
        httpd.files[f"/short/{name}.gz"] = gzip.compress(data)
        httpd.files[f"/bad/{name}.gz"] = gzip.compress(corrupt(data))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_download_lands_in_the_cache(tmp_path, fake, server, monkeypatch):
    arrays, raw_bytes = fake
    cache = tmp_path / "cache"
    monkeypatch.setattr(mnist, "MIRRORS", [server.url + "/good/"])
    assert_loaded(load_mnist(cache_dir=cache), arrays)
    assert sorted(p.name for p in cache.iterdir()) == sorted(f"{n}.gz" for n in raw_bytes)
    assert len(server.requests) == 4
    # the second time it comes from the cache: no request, works offline
    assert_loaded(load_mnist(cache_dir=cache, download=False, mirrors=[]), arrays)
    assert len(server.requests) == 4


def test_download_into_the_default_cache(tmp_path, fake, server):
    arrays, raw_bytes = fake
    assert_loaded(load_mnist(mirrors=[server.url + "/good"]), arrays)  # no trailing slash is fine too
    assert (tmp_path / "xdg" / "nnlib" / "mnist" / "train-images-idx3-ubyte.gz").is_file()


def test_only_missing_files_are_downloaded(tmp_path, fake, server):
    arrays, raw_bytes = fake
    cache = write(tmp_path / "cache", {n: b for n, b in raw_bytes.items() if n.startswith("train")})
    assert_loaded(load_mnist(cache_dir=cache, mirrors=[server.url + "/good/"]), arrays)
    assert sorted(server.requests) == ["/good/t10k-images-idx3-ubyte.gz", "/good/t10k-labels-idx1-ubyte.gz"]


def test_corrupt_download_raises_and_leaves_nothing(tmp_path, fake, server):
    _, raw_bytes = fake
    cache = tmp_path / "cache"
    with pytest.raises(MNISTChecksumError) as info:
        load_mnist(cache_dir=cache, mirrors=[server.url + "/bad/"])
    message = str(info.value)
    name = "train-images-idx3-ubyte"
    assert f"{server.url}/bad/{name}.gz" in message
    assert mnist.SHA256[name] in message
    assert hashlib.sha256(corrupt(raw_bytes[name])).hexdigest() in message
    assert "mirror" in message and "NNLIB_DATA" in message
    assert list(cache.iterdir()) == []  # no bad file, no temporary file


def test_cut_off_download_leaves_nothing(tmp_path, fake, server):
    cache = tmp_path / "cache"
    with pytest.raises(FileNotFoundError, match="Could not download"):
        load_mnist(cache_dir=cache, mirrors=[server.url + "/short/"])
    assert list(cache.iterdir()) == []


@pytest.mark.parametrize("first", ["/empty/", "/bad/", "/short/"])
def test_next_mirror_is_used_when_one_fails(tmp_path, fake, server, first):
    arrays, raw_bytes = fake
    cache = tmp_path / "cache"
    assert_loaded(load_mnist(cache_dir=cache, mirrors=[server.url + first, server.url + "/good/"]), arrays)
    assert sorted(p.name for p in cache.iterdir()) == sorted(f"{n}.gz" for n in raw_bytes)
    assert sum(r.startswith(first) for r in server.requests) == 4


def test_every_mirror_unreachable(tmp_path, fake, server):
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(cache_dir=tmp_path / "cache", mirrors=[server.url + "/empty/", server.url + "/gone/"])
    message = str(info.value)
    assert "404" in message and "/gone/" in message and "NNLIB_DATA" in message and "path=" in message
    assert list((tmp_path / "cache").iterdir()) == []


def test_corrupt_cache_file_is_replaced_by_a_fresh_download(tmp_path, fake, server):
    arrays, raw_bytes = fake
    cache = write(tmp_path / "cache", raw_bytes)
    name = "train-images-idx3-ubyte"
    (cache / f"{name}.gz").write_bytes(gzip.compress(corrupt(raw_bytes[name])))
    assert_loaded(load_mnist(cache_dir=cache, mirrors=[server.url + "/good/"]), arrays)
    assert server.requests == [f"/good/{name}.gz"]
    assert gzip.decompress((cache / f"{name}.gz").read_bytes()) == raw_bytes[name]


def test_interrupted_download_leaves_nothing(tmp_path, fake, monkeypatch):
    class Response:
        headers = {"Content-Length": "1000"}

        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

        def read(self, n):
            raise KeyboardInterrupt

    monkeypatch.setattr(mnist.urllib.request, "urlopen", lambda url, timeout: Response())
    cache = tmp_path / "cache"
    with pytest.raises(KeyboardInterrupt):
        load_mnist(cache_dir=cache, mirrors=["http://127.0.0.1:9/"])
    assert list(cache.iterdir()) == []
