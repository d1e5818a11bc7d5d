"""Writes golden tensors in the one-line-per-tensor text format read by dev.sfumato.tensor.testing.Golden.

Each line is `name dims v0 v1 ...`, dims being the shape joined with 'x' or 'scalar'. Values are the
float32 values printed with repr(), which round-trips exactly through Java's Float.parseFloat.
Generators in every module import this file; run them with Debian's /usr/bin/python3.
"""
import os


class GoldenWriter:
    def __init__(self, path, header):
        self.path = path
        self.lines = ["# " + line for line in header.strip().splitlines()]
        self.names = set()

    def add(self, name, tensor):
        import numpy as np
        if name in self.names:
            raise ValueError("duplicate golden name " + name)
        self.names.add(name)
        if hasattr(tensor, "detach"):
            tensor = tensor.detach().cpu().numpy()
        a = np.asarray(tensor, dtype=np.float32)
        dims = "scalar" if a.ndim == 0 else "x".join(str(d) for d in a.shape)
        values = " ".join(repr(float(v)) for v in a.reshape(-1))
        self.lines.append(f"{name} {dims} {values}".rstrip())

    def write(self):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            f.write("\n".join(self.lines) + "\n")
        os.replace(tmp, self.path)  # atomic: a crash never leaves half a file
        print(f"wrote {len(self.names)} tensors to {self.path}")
