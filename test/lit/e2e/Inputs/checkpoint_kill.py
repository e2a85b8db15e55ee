"""Kills a training program with SIGKILL at random moments, resumes it with
--resume each time, and checks that its final weights are byte for byte those
of an uninterrupted run (checkpoint-resume.test).

usage: checkpoint_kill.py DLC PROGRAM.dl WORKDIR
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import time

dlc, source, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)

EPOCHS, EVERY = 150, 7
text = open(source).read().replace("EPOCHS", str(EPOCHS)).replace("EVERY", str(EVERY))
program_dl = os.path.join(work, "program.dl")
open(program_dl, "w").write(text)
binary = os.path.join(work, "program")
subprocess.run([dlc, program_dl, "-o", binary], check=True)


def fresh_dir(name):
    path = os.path.join(work, name)
    os.makedirs(path)
    return path


def read(path):
    with open(path, "rb") as f:
        return f.read()


# The uninterrupted run, and how long it takes.
whole = fresh_dir("whole")
started = time.monotonic()
done = subprocess.run([binary], cwd=whole, capture_output=True, text=True)
duration = time.monotonic() - started
assert done.returncode == 0, done.stderr
expected = read(os.path.join(whole, "final.safetensors"))
expected_lines = done.stdout.splitlines()
assert expected_lines[-1].startswith("final accuracy"), expected_lines

# Kill, resume, kill again... at random moments of each run, until a run
# ends. Rounds repeat (from scratch) while too few kills happened, which only
# a machine much faster now than during the uninterrupted run can cause.
rng = random.Random(11)
kills = 0
restored = 0
for round in range(4):
    resumed = os.path.join(work, "resumed-%d" % round)
    os.makedirs(resumed)
    for attempt in range(12):
        process = subprocess.Popen([binary, "--resume"], cwd=resumed, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.05, 0.25) * duration)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        out, err = process.communicate()
        assert process.returncode in (0, -signal.SIGKILL), (process.returncode, err)
        assert "error" not in err, err
        if process.returncode == 0:
            break
        kills += 1
        if "starting from the beginning" not in err:
            restored += 1
    if process.returncode != 0:  # a slow machine: let the last run end
        last = subprocess.run([binary, "--resume"], cwd=resumed, capture_output=True, text=True)
        assert last.returncode == 0, last.stderr
    assert read(os.path.join(resumed, "final.safetensors")) == expected, \
        "the resumed run's weights differ from the uninterrupted run's"
    if kills >= 3 and restored >= 2:
        break

# Resuming from the checkpoint a whole run leaves ends the same way too.
final = subprocess.run([binary, "--resume"], cwd=resumed, capture_output=True, text=True)
assert final.returncode == 0, final.stderr
got = read(os.path.join(resumed, "final.safetensors"))
final_lines = final.stdout.splitlines()

print("uninterrupted run: %.2f s, %d lines" % (duration, len(expected_lines)))
print("killed %d times, killed after resuming from a checkpoint %d times" % (kills, restored))
print("last run printed %d lines" % len(final_lines))
assert kills >= 3, "the runs ended before they could be killed"
assert restored >= 2, "no run resumed from a checkpoint"
# The last run resumed: it printed only the epochs after its checkpoint,
# and the same lines as the uninterrupted run there.
assert len(final_lines) < len(expected_lines), final_lines
assert final_lines == expected_lines[len(expected_lines) - len(final_lines):], final_lines
assert got == expected, "the resumed run's weights differ from the uninterrupted run's"
leftovers = [name for name in os.listdir(resumed) if name.startswith("run.ckpt.tmp")]
print("temporary files left by kills:", len(leftovers))
print("final weights: identical (%d bytes)" % len(got))
