#!/usr/bin/python3
"""compare_outputs.py CPU_OUT GPU_OUT [--rtol 1e-4]: the same text, with every
number within the tolerance of the CPU's.

A number may differ by rtol relative to the larger magnitude, or by one unit
in its last printed digit (tensors print 4 decimals, so 0.1234 against 0.1235
is a rounding boundary, not a disagreement), or by 1e-6 absolute near zero.
Prints the largest relative difference; exit 1 on any disagreement."""
import re
import sys

NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf)")


def split(text):
    numbers = NUMBER.findall(text)
    return NUMBER.sub("#", text), numbers


def unit(token):
    mantissa = re.split(r"[eE]", token)[0]
    exponent = int(re.split(r"[eE]", token)[1]) if re.search(r"[eE]", token) else 0
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return 10.0 ** (exponent - decimals)


def main():
    args = sys.argv[1:]
    rtol = 1e-4
    if "--rtol" in args:
        i = args.index("--rtol")
        rtol = float(args[i + 1])
        del args[i:i + 2]
    cpu, gpu = (open(p).read() for p in args[:2])
    cpu_text, cpu_numbers = split(cpu)
    gpu_text, gpu_numbers = split(gpu)
    if cpu_text != gpu_text or len(cpu_numbers) != len(gpu_numbers):
        for n, (a, b) in enumerate(zip(cpu.splitlines(), gpu.splitlines())):
            if split(a)[0] != split(b)[0]:
                print(f"text differs at line {n + 1}:\n  cpu: {a}\n  gpu: {b}")
                break
        else:
            print("text differs (line counts %d and %d)" % (len(cpu.splitlines()), len(gpu.splitlines())))
        return 1
    worst, where, bad = 0.0, None, 0
    for a_text, b_text in zip(cpu_numbers, gpu_numbers):
        a, b = float(a_text), float(b_text)
        if a != a or b != b:
            if (a != a) != (b != b):
                bad += 1
            continue
        diff = abs(a - b)
        scale = max(abs(a), abs(b))
        relative = diff / scale if scale > 0 else 0.0
        allowed = max(rtol * scale, max(unit(a_text), unit(b_text)), 1e-6)
        if diff > allowed * (1 + 1e-9):
            bad += 1
            if relative >= worst:
                worst, where = relative, (a_text, b_text)
        elif relative > worst and diff > max(unit(a_text), unit(b_text)) * (1 + 1e-9):
            worst, where = relative, (a_text, b_text)
    print(f"{len(cpu_numbers)} numbers, {bad} outside tolerance; largest relative difference {worst:.3g}"
          + (f" (cpu {where[0]}, gpu {where[1]})" if where else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
