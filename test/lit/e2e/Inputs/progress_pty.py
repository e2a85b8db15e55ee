"""The progress line (progress-line.test): drawn on a terminal, absent when
the output is piped and with --quiet.

Runs the program three ways: with stdout and stderr on a pseudo-terminal,
the same with --quiet, and with both piped. Prints what it checked.

usage: progress_pty.py PROGRAM
"""
import os
import pty
import re
import select
import subprocess
import sys

program = sys.argv[1]


def on_terminal(*args):
    """Runs the program with stdout and stderr on one pty; returns the bytes."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([program, *args], stdin=subprocess.DEVNULL, stdout=follower,
                               stderr=follower, close_fds=True)
    os.close(follower)
    data = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            process.kill()
            raise SystemExit("no output for 30 s")
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the program closed the terminal
            break
        if not chunk:
            break
        data += chunk
    os.close(leader)
    assert process.wait() == 0
    return data.decode()


piped = subprocess.run([program], capture_output=True, text=True)
assert piped.returncode == 0
assert piped.stderr == "", repr(piped.stderr)
assert "\r" not in piped.stdout and "\x1b" not in piped.stdout
print("piped: %d lines on stdout, nothing on stderr, no control characters" % len(piped.stdout.splitlines()))

shown = on_terminal()
lines = re.findall(r"\r([^\r\n\x1b]*)\x1b\[K", shown)
drawn = [line for line in lines if line]
assert drawn, repr(shown)
print("terminal: %d progress lines drawn" % len(drawn))
for line in drawn:
    assert re.fullmatch(r"epoch \d+/8  batch \d+/10  loss \d+\.\d{4}(  \d+\.\d batches/s  ETA \d+:\d\d)?", line), line
print("first: " + drawn[0])
# Without the progress lines and their erasures, the terminal shows exactly
# the piped output (the pty turns \n into \r\n).
text = re.sub(r"\r[^\r\n\x1b]*\x1b\[K", "", shown).replace("\r\n", "\n")
assert text == piped.stdout, (text, piped.stdout)
print("terminal without the progress lines: the piped output")

quiet = on_terminal("--quiet")
assert "\x1b" not in quiet and quiet.replace("\r\n", "\n") == piped.stdout, repr(quiet)
print("--quiet: the piped output, no progress line")
