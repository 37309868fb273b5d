#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""layers.py - the include layers of each source directory, and their circles.

A module is a file name without .c/.h (worker = worker.c + worker.h). Module
A uses module B when A.c or A.h includes "B.h" from the same directory.
Prints each directory's modules bottom-up, by layer (a module only uses
modules of lower layers), and exits 1 naming every circle: two modules of
one directory that use each other, directly or through others.

  tools/layers.py [--quiet] [DIR...]     (default: every source directory)
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"/]+)\.h"', re.M)


def source_dirs(top):
    for root, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith(('.', 'build')))
        if any(f.endswith(('.c', '.h')) for f in files):
            yield root


def graph(path):
    mods = {}
    for f in os.listdir(path):
        stem, ext = os.path.splitext(f)
        if ext in ('.c', '.h'):
            mods.setdefault(stem, set())
    for stem in mods:
        for ext in ('.c', '.h'):
            p = os.path.join(path, stem + ext)
            if os.path.exists(p):
                with open(p, encoding='utf-8', errors='replace') as fh:
                    for inc in INCLUDE.findall(fh.read()):
                        if inc != stem and inc in mods:
                            mods[stem].add(inc)
    return mods


def circles(mods):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(mods[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(mods):
        if v not in index:
            visit(v)
    return out


def layers(mods):
    level = {}

    def depth(v, seen=()):
        if v in level:
            return level[v]
        if v in seen:
            return 0
        d = 1 + max((depth(w, seen + (v,)) for w in mods[v]), default=-1)
        level[v] = d
        return d

    for v in mods:
        depth(v)
    by = {}
    for v, d in level.items():
        by.setdefault(d, []).append(v)
    return [sorted(by[d]) for d in sorted(by)]


def main(argv):
    quiet = '--quiet' in argv
    args = [a for a in argv if a != '--quiet']
    top = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
    dirs = args or list(source_dirs(top))
    bad = 0
    for d in dirs:
        mods = graph(d)
        found = circles(mods)
        name = os.path.relpath(d, top)
        for c in found:
            print('%s: circle: %s' % (name, ' <-> '.join(c)))
            bad = 1
        if not quiet:
            print('%s:' % name)
            for i, layer in enumerate(layers(mods)):
                print('  %d: %s' % (i, ' '.join(layer)))
    return bad


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
