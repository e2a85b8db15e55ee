#!/usr/bin/python3
"""Compares the machine code of two executables function by function: the
functions dlc generated (main and dlc.*), as `objdump -d` lists them, with
what depends on where things were placed taken out (addresses, RIP-relative
displacements) and padding (nop, int3) dropped. Prints how many functions
were compared and each that differs; exits 1 if one differs, or if either
lacks a function the other has.

Usage: same_code.py EXE1 EXE2"""
import re
import subprocess
import sys


def functions(path):
    listing = subprocess.run(["objdump", "-d", "--no-show-raw-insn", path], check=True, capture_output=True,
                             text=True).stdout
    out, name = {}, None
    for line in listing.splitlines():
        header = re.match(r"^[0-9a-f]+ <(.*)>:$", line)
        if header:
            name = header.group(1)
            wanted = name == "main" or name.startswith("dlc.")
            name = name if wanted else None
            if name:
                out[name] = []
            continue
        if not name or not line.startswith(" "):
            continue
        parts = line.split("\t", 1)
        if len(parts) < 2:
            continue
        text = parts[1].strip()
        if text.startswith(("nop", "int3", "data16", "cs nop", "xchg   %ax,%ax")):
            continue
        text = re.sub(r"#.*$", "", text)  # the target of a RIP-relative operand
        text = re.sub(r"-?0x[0-9a-f]+\(%rip\)", "RIP", text)
        text = re.sub(r"\b[0-9a-f]+ <([^>]*)>", r"<\1>", text)  # jumps and calls: by symbol
        out[name].append(text.strip())
    return out


def main():
    first, second = functions(sys.argv[1]), functions(sys.argv[2])
    bad = sorted(set(first) ^ set(second))
    for name in bad:
        print(f"only in one: {name}")
    differ = [name for name in sorted(set(first) & set(second)) if first[name] != second[name]]
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(set(first) & set(second))} functions compared, {len(differ) + len(bad)} differ")
    sys.exit(1 if differ or bad else 0)


main()
