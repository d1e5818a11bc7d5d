"""Writes the Fashion-MNIST subset shipped inside the jar (BundledDataset.fashionMnistSubset()).

Run with Debian's Python after `apt-get install dataset-fashion-mnist`:
    /usr/bin/python3 diffusion/src/main/python/make_fashion_mnist_subset.py [SOURCE_DIR]
SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist. The subset is the first 600 images of each of
the 10 classes of the training set (6,000 images, balanced), kept in their original file order, written as
gzipped IDX files (the format of the originals) with a fixed gzip mtime so reruns give identical bytes.
Fashion-MNIST is (c) 2017 Zalando SE, MIT license; the notice is copied beside the files.
"""
import gzip
import os
import struct
import sys

import numpy as np

PER_CLASS = 600
CLASSES = 10

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "dev", "sfumato", "diffusion", "data", "fashion-mnist-subset")


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    assert zero == 0 and dtype == 0x08, f"{path}: expected unsigned-byte IDX"
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def write_idx(path, array):
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(">" + "I" * array.ndim, *array.shape)
    tmp = path + ".tmp"
    with open(tmp, "wb") as raw:
        # mtime=0 and no file name in the header: the bytes depend only on the data.
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as f:
            f.write(header + array.astype(np.uint8).tobytes())
    os.replace(tmp, path)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    images = read_idx(os.path.join(src, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(src, "train-labels-idx1-ubyte.gz"))
    keep = np.sort(np.concatenate([np.flatnonzero(labels == c)[:PER_CLASS] for c in range(CLASSES)]))
    os.makedirs(OUT, exist_ok=True)
    write_idx(os.path.join(OUT, "train-images-idx3-ubyte.gz"), images[keep])
    write_idx(os.path.join(OUT, "train-labels-idx1-ubyte.gz"), labels[keep])
    print(f"wrote {len(keep)} images ({PER_CLASS} per class, first index {keep[0]}, last {keep[-1]}) to {OUT}")
    print("first 10 labels:", labels[keep][:10].tolist(), "pixel sum of image 0:", int(images[keep][0].sum()))


if __name__ == "__main__":
    main()
