#!/usr/bin/env python3
"""An independent safetensors reader and writer (stdlib only: struct + json),
to check the runtime's files against the format rather than against itself.

    read_safetensors.py TOOL WORKDIR

1. `TOOL st-write` saves a set of tensors with dl_safetensors_save and writes
   the same tensors as plain JSON; this script parses the safetensors file by
   the format's rules (8-byte little-endian header length, JSON header,
   offsets that tile the data, 8-byte aligned data start) and compares names,
   dtypes, shapes and values with the JSON.
2. The script writes the same tensors itself (in another order, with other
   metadata and header padding) and `TOOL st-read` must load them exactly.

Exit 0 when all agrees; prints what differs otherwise.
"""
import json
import os
import struct
import subprocess
import sys

FORMATS = {"F32": "f", "F64": "d", "I32": "i", "BOOL": "?"}
SIZES = {"F32": 4, "F64": 8, "I32": 4, "BOOL": 1}


def read_safetensors(path):
    """Returns ({name: (dtype, shape, values)}, metadata, header_size)."""
    with open(path, "rb") as f:
        blob = f.read()
    (header_size,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + header_size].decode("utf-8"))
    data = blob[8 + header_size:]
    metadata = header.pop("__metadata__", None)
    tensors = {}
    spans = []
    for name, entry in header.items():
        dtype, shape = entry["dtype"], entry["shape"]
        begin, end = entry["data_offsets"]
        count = 1
        for dim in shape:
            count *= dim
        if end - begin != count * SIZES[dtype]:
            raise ValueError(f"{name}: offsets {begin}..{end} do not fit {dtype} {shape}")
        values = list(struct.unpack(f"<{count}{FORMATS[dtype]}", data[begin:end]))
        tensors[name] = (dtype, shape, values)
        spans.append((begin, end, name))
    covered = 0
    for begin, end, name in sorted(spans):
        if begin != covered:
            raise ValueError(f"{name}: starts at {begin}, expected {covered} (gap or overlap)")
        covered = end
    if covered != len(data):
        raise ValueError(f"data is {len(data)} bytes, the tensors cover {covered}")
    return tensors, metadata, header_size


def write_safetensors(path, tensors, metadata):
    """Writes {name: (dtype, shape, values)}, tensors in reverse name order."""
    header = {"__metadata__": metadata} if metadata is not None else {}
    data = b""
    for name in sorted(tensors, reverse=True):
        dtype, shape, values = tensors[name]
        blob = struct.pack(f"<{len(values)}{FORMATS[dtype]}", *values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    text = json.dumps(header, indent=2).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def main():
    tool, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    written = os.path.join(workdir, "by-runtime.safetensors")
    expected_path = os.path.join(workdir, "by-runtime.json")
    subprocess.run([tool, "st-write", written, expected_path], check=True)

    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f)
    tensors, metadata, header_size = read_safetensors(written)
    problems = []
    if (8 + header_size) % 8 != 0:
        problems.append(f"data starts at {8 + header_size}, not a multiple of 8")
    if sorted(tensors) != sorted(expected):
        problems.append(f"names {sorted(tensors)} != {sorted(expected)}")
    for name, want in expected.items():
        if name not in tensors:
            continue
        dtype, shape, values = tensors[name]
        if (dtype, shape) != (want["dtype"], want["shape"]):
            problems.append(f"{name}: {dtype} {shape} != {want['dtype']} {want['shape']}")
        elif [float(v) for v in values] != [float(v) for v in want["values"]]:
            problems.append(f"{name}: values {values} != {want['values']}")
    if metadata is not None and not all(isinstance(v, str) for v in metadata.values()):
        problems.append(f"__metadata__ values must be strings: {metadata}")
    for problem in problems:
        print("runtime-written file:", problem)
    print(f"read {len(tensors)} tensors written by the runtime")

    # The other direction: our own file, read by the runtime.
    ours = {name: (want["dtype"], want["shape"],
                   [bool(v) if want["dtype"] == "BOOL" else int(v) if want["dtype"] == "I32" else v
                    for v in want["values"]])
            for name, want in expected.items()}
    by_python = os.path.join(workdir, "by-python.safetensors")
    write_safetensors(by_python, ours, {"writer": "read_safetensors.py"})
    result = subprocess.run([tool, "st-read", by_python])
    if result.returncode != 0:
        problems.append("the runtime did not read the Python-written file back exactly")
    else:
        print("the runtime read the Python-written file back exactly")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
