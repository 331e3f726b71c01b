#!/usr/bin/env python3
"""Writes the hostile and broken submissions of Tests/Fixtures/hostile/ as submission folders.

Usage: python3 scripts/make-hostile-fixtures.py OUT_DIR [name ...]
Each fixture is its base (submissions/skeleton or reference) with fixture.json's edits applied
(each `find` must occur exactly once), plus its Attack.swift and the shared HostileTools.swift.
Standard library only; also imported by make-course.py.
"""
import json, os, shutil, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, 'Tests', 'Fixtures', 'hostile')
BASES = {'skeleton': os.path.join(ROOT, 'submissions', 'skeleton', 'Sources', 'Submission'),
         'reference': os.path.join(ROOT, 'reference', 'Sources', 'Submission')}

def names():
    return sorted(n for n in os.listdir(FIXTURES) if os.path.isfile(os.path.join(FIXTURES, n, 'fixture.json')))

def fixture(name):
    return json.load(open(os.path.join(FIXTURES, name, 'fixture.json')))

def sources(name):
    """{relative path: text} of the fixture's submission."""
    spec = fixture(name)
    base = BASES[spec['base']]
    files = {}
    for folder, _, entries in sorted(os.walk(base)):
        for entry in sorted(entries):
            if entry.endswith('.swift'):
                path = os.path.join(folder, entry)
                files['Sources/Submission/' + os.path.relpath(path, base)] = open(path).read()
    for edit in spec['edits']:
        # `file` is a name (each lives in its exercise's folder) or a path under Sources/Submission.
        keys = [k for k in files if k == 'Sources/Submission/' + edit['file'] or os.path.basename(k) == edit['file']]
        if len(keys) != 1:
            raise SystemExit('%s: %d files are called %s' % (name, len(keys), edit['file']))
        key = keys[0]
        count = files[key].count(edit['find'])
        if count != 1:
            raise SystemExit('%s: %r occurs %d times in %s' % (name, edit['find'], count, edit['file']))
        files[key] = files[key].replace(edit['find'], edit['replace'])
    files['Sources/Submission/HostileTools.swift'] = open(os.path.join(FIXTURES, 'HostileTools.swift')).read()
    files['Sources/Submission/Attack.swift'] = open(os.path.join(FIXTURES, name, 'Attack.swift')).read()
    return files

def write(name, folder):
    shutil.rmtree(folder, ignore_errors=True)
    for relative, text in sources(name).items():
        path = os.path.join(folder, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, 'w').write(text)

if __name__ == '__main__':
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    out = sys.argv[1]
    for name in sys.argv[2:] or names():
        write(name, os.path.join(out, name))
        print(os.path.join(out, name))
