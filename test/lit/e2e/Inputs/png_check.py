#!/usr/bin/python3
"""Reads the PNG files that dlc's plot() and plot_boundary() write, with
Python's zlib and struct alone (an independent decoder, not libpng), and
checks them. Used by the plot tests (test/CMakeLists.txt):

  png_check.py curve FILE.png             a line chart: size, a white
      background, and the series' colours present in the plot area
  png_check.py boundary FILE.png < OUT    a decision boundary: OUT holds the
      program's `probe X Y CLASS` lines (the model's class at (X, Y), as the
      program itself computed it); the pixel at each probe has the class's
      colour, away from the border between classes and from data points
  png_check.py example-boundary FILE.png K < OUT   the same, with the
      probes from examples/boundary.dl's K-th printed class grid
  png_check.py activation FILE.png        sigmoid, the first series, passes
      through (0, 0.5) and (-3, 0.047), (3, 0.953)

The mapping from data coordinates to pixels is the picture's tEXt chunk
"dlc-plot": "area LEFT TOP WIDTH HEIGHT x X0 X1 y Y0 Y1".
"""
import struct
import sys
import zlib

# runtime/plot/Canvas.cpp's colours.
STRONG = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40),
          (148, 103, 189), (140, 86, 75), (227, 119, 194), (127, 127, 127)]


def light(c):
    return tuple(v + (255 - v) * 7 // 10 for v in c)


def read_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    pos, idat, text = 8, b"", {}
    width = height = None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc, = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, "bad CRC in chunk %r" % kind
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert (depth, ctype, interlace) == (8, 2, 0), "expected 8-bit RGB, not interlaced"
        elif kind == b"IDAT":
            idat += body
        elif kind == b"tEXt":
            key, value = body.split(b"\0", 1)
            text[key.decode()] = value.decode()
        elif kind == b"IEND":
            break
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 3
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
            else:
                assert f == 0, "bad filter %d" % f
        rows.append(bytes(line))
        prev = line
    return width, height, rows, text


class Picture:
    def __init__(self, path):
        self.width, self.height, self.rows, text = read_png(path)
        f = text["dlc-plot"].split()
        assert f[0] == "area" and f[5] == "x" and f[8] == "y", text
        self.left, self.top, self.w, self.h = map(int, f[1:5])
        self.x0, self.x1, self.y0, self.y1 = map(float, (f[6], f[7], f[9], f[10]))

    def pixel(self, col, row):
        r = self.rows[row]
        return tuple(r[col * 3:col * 3 + 3])

    def at(self, x, y):
        """The pixel (column, row) holding data point (x, y)."""
        col = self.left + int((x - self.x0) / (self.x1 - self.x0) * self.w)
        row = self.top + int((self.y1 - y) / (self.y1 - self.y0) * self.h)
        return min(col, self.left + self.w - 1), min(row, self.top + self.h - 1)

    def colours(self):
        seen = set()
        for row in range(self.top, self.top + self.h):
            for col in range(self.left, self.left + self.w):
                seen.add(self.pixel(col, row))
        return seen


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def check_curve(path, series):
    p = Picture(path)
    if (p.width, p.height) != (640, 480):
        fail("size %dx%d, expected 640x480" % (p.width, p.height))
    if p.pixel(0, 0) != (255, 255, 255):
        fail("the background is not white")
    seen = p.colours()
    for k in range(series):
        if STRONG[k] not in seen:
            fail("series %d's colour %s is missing" % (k, STRONG[k]))
    print("curve ok:", path, p.width, "x", p.height)


def check_activation(path):
    check_curve(path, 5)
    p = Picture(path)
    import math
    for x in (-3.0, -1.5, 0.0, 1.5, 3.0):
        y = 1 / (1 + math.exp(-x))
        col, row = p.at(x, y)
        near = [p.pixel(c, r) for c in range(col - 2, col + 3) for r in range(row - 2, row + 3)
                if p.left <= c < p.left + p.w and p.top <= r < p.top + p.h]
        if STRONG[0] not in near:
            fail("sigmoid's colour is not at (%g, %g), pixel (%d, %d)" % (x, y, col, row))
    print("activation ok:", path)


def probes_from_lines(text):
    probes = []
    for line in text.splitlines():
        f = line.split()
        if f and f[0] == "probe":
            probes.append((float(f[1]), float(f[2]), int(float(f[3]))))
    return probes


def probes_from_grid(text, which):
    """examples/boundary.dl's printed 12 x 20 class grids: row r, column c is
    the class at x = c * 0.2 - 1.5, y = 1.5 - r * 0.2."""
    import re
    grids = re.findall(r"tensor\((\[\[.*?\]\])", text, re.S)
    rows = re.findall(r"\[([-\d, ]+)\]", grids[which])
    probes = []
    for r, row in enumerate(rows):
        for c, v in enumerate(row.split(",")):
            probes.append((c * 0.2 - 1.5, 1.5 - r * 0.2, int(v)))
    return probes


def check_boundary(path, size, probes):
    p = Picture(path)
    if (p.w, p.h) != (size, size) or (p.width, p.height) != (size + 84, size + 84):
        fail("plot area %dx%d in %dx%d, expected %dx%d in %dx%d" %
             (p.w, p.h, p.width, p.height, size, size, size + 84, size + 84))
    if len(probes) < 10:
        fail("only %d probes in the program's output" % len(probes))
    inside = 0
    backgrounds = [light(c) for c in STRONG]
    checked = 0
    classes = set()
    for x, y, cls in probes:
        col, row = p.at(x, y)
        if not (p.left + 3 <= col < p.left + p.w - 3 and p.top + 3 <= row < p.top + p.h - 3):
            continue
        inside += 1
        block = {p.pixel(c, r) for c in range(col - 2, col + 3) for r in range(row - 2, row + 3)}
        if len(block) != 1 or next(iter(block)) not in backgrounds:
            continue  # the border between classes, or a data point, is near
        got = backgrounds.index(next(iter(block)))
        if got != cls:
            fail("at (%g, %g), pixel (%d, %d): class %d's colour, but the model says %d" % (x, y, col, row, got, cls))
        checked += 1
        classes.add(cls)
    if checked < inside // 2 or checked < 10:
        fail("only %d of %d probes inside the picture could be checked" % (checked, inside))
    if len(classes) < 2:
        fail("the probes checked show one class only")
    print("boundary ok:", path, "probes checked", checked, "of", len(probes), "classes", sorted(classes))


if __name__ == "__main__":
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "curve":
        check_curve(path, int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    elif kind == "activation":
        check_activation(path)
    elif kind == "boundary":
        check_boundary(path, int(sys.argv[3]), probes_from_lines(sys.stdin.read()))
    elif kind == "example-boundary":
        check_boundary(path, 400, probes_from_grid(sys.stdin.read(), int(sys.argv[3])))
    else:
        fail("unknown check " + kind)
