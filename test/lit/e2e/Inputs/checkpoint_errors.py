"""Bad checkpoints and --resume misuse (checkpoint-errors.test): each case
must stop the program with exit status 2 and a message naming the file, and
leave the checkpoint file exactly as it was. Prints one line per case.

usage: checkpoint_errors.py DLC PROGRAM.dl WORKDIR
"""
import os
import shutil
import subprocess
import sys

dlc, source, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
template = open(source).read()


def compile_program(name, epochs=3, every=4, edit=None):
    text = template.replace("EPOCHS", str(epochs)).replace("EVERY", str(every))
    if edit:
        text = edit(text)
    path = os.path.join(work, name + ".dl")
    open(path, "w").write(text)
    binary = os.path.join(work, name)
    compiling.append(subprocess.Popen([dlc, path, "-o", binary]))
    return binary


compiling = []


def run(binary, *args, cwd):
    return subprocess.run([binary, *args], cwd=cwd, capture_output=True, text=True)


program = compile_program("program")
wider = compile_program("wider", edit=lambda t: t.replace("Linear(2, 16)", "Linear(2, 32)")
                        .replace("Linear(16, 2)", "Linear(32, 2)"))
sgd = compile_program("sgd", edit=lambda t: t.replace("Adam(net, lr: 0.01)", "SGD(net, lr: 0.1)"))
flat = compile_program("flat", edit=lambda t: t.replace("for epoch in 0..3 {", "for epoch in 0..1 {\n for again in 0..3 {")
                       .replace('    if epoch % 10', '    }\n    if epoch % 10'))
plain = compile_program("plain", edit=lambda t: t.replace('checkpoint(every: 4, path: "run.ckpt")', ""))
for process in compiling:  # side by side
    assert process.wait() == 0

# A good checkpoint: the last one a whole run writes.
base = os.path.join(work, "base")
os.makedirs(base)
whole = run(program, cwd=base)
assert whole.returncode == 0, whole.stderr
good = open(os.path.join(base, "run.ckpt"), "rb").read()
header = int.from_bytes(good[:8], "little")


def case(name, data, binary=program, expect=None):
    """Writes `data` as run.ckpt, resumes, and checks the failure."""
    where = os.path.join(work, "case-" + name)
    os.makedirs(where)
    path = os.path.join(where, "run.ckpt")
    if data is None:
        os.makedirs(path)
    else:
        open(path, "wb").write(data)
    result = run(binary, "--resume", cwd=where)
    message = result.stderr.strip()
    assert result.returncode == 2, (name, result.returncode, message)
    assert message.startswith("error: "), (name, message)
    assert "'run.ckpt'" in message, (name, message)
    if expect:
        assert expect in message, (name, message)
    if data is not None:
        assert open(path, "rb").read() == data, name + ": the checkpoint changed"
    assert not os.path.exists(os.path.join(where, "final.safetensors")), name + ": the program went on"
    print(name + ": " + message)


case("truncated", good[:-100], expect="truncated")
case("cut-in-half", good[:len(good) // 2], expect="truncated")
case("empty", b"", expect="not a safetensors file")
case("short-header", good[:8 + header - 7], expect="not a safetensors file")
flipped = bytearray(good)
flipped[-3] ^= 0x40
case("flipped-data-bit", bytes(flipped), expect="does not match its checksum")
garbled = bytearray(good)
garbled[8] = ord("[")
case("garbled-header", bytes(garbled), expect="not a safetensors file")
case("directory", None, expect="Is a directory")
case("other-shapes", good, binary=wider, expect="has shape [2, 16], expected [2, 32]")
case("other-optimizer", good, binary=sgd, expect="which this program does not have")
case("other-loops", good, binary=flat, expect="another program")

# A model file from save() is not a checkpoint.
case("not-a-checkpoint", open(os.path.join(base, "final.safetensors"), "rb").read(),
     expect="is not a checkpoint")

# --resume where the program has no checkpoint statement.
result = run(plain, "--resume", cwd=base)
assert result.returncode == 2 and "no checkpoint(...) statement" in result.stderr, result
print("no-checkpoint-statement: " + result.stderr.strip())

# --resume before any checkpoint was written: a note, then the whole run.
empty = os.path.join(work, "never-written")
os.makedirs(empty)
result = run(program, "--resume", cwd=empty)
assert result.returncode == 0 and result.stdout == whole.stdout, result
assert "starting from the beginning" in result.stderr, result.stderr
print("missing: " + result.stderr.strip())

# A good checkpoint resumes and ends as the whole run did.
again = os.path.join(work, "good")
os.makedirs(again)
open(os.path.join(again, "run.ckpt"), "wb").write(good)
result = run(program, "--resume", cwd=again)
assert result.returncode == 0, result.stderr
assert result.stdout.splitlines()[-1] == whole.stdout.splitlines()[-1]
assert open(os.path.join(again, "final.safetensors"), "rb").read() == \
    open(os.path.join(base, "final.safetensors"), "rb").read()
print("good: resumed, same final weights")
