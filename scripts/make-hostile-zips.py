#!/usr/bin/env python3
"""Writes the hostile (and odd but acceptable) sample zips into a folder.

Usage: python3 scripts/make-hostile-zips.py OUT_DIR
Standard library only. Each zip is named after what it tries; the harness's tests expect
`grader check` to refuse every `*.zip` except those starting with `ok-`.
"""
import os, stat, struct, sys, zipfile, zlib

SOURCE = b'import ExerciseKit\npublic func registerSubmission(_ registry: SubmissionRegistry) {}\n'

def add(zf, name, data, mode=0o100644, compress=zipfile.ZIP_DEFLATED):
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.create_system = 3
    info.external_attr = mode << 16
    info.compress_type = compress
    zf.writestr(info, data)

def patch(path, old, new):
    """Replaces bytes everywhere in the file (local and central headers)."""
    with open(path, 'rb') as f:
        data = f.read()
    assert old in data, (path, old)
    with open(path, 'wb') as f:
        f.write(data.replace(old, new))

def main(out):
    os.makedirs(out, exist_ok=True)
    z = lambda name: zipfile.ZipFile(os.path.join(out, name), 'w')

    with z('zip-slip.zip') as zf:
        add(zf, 'Registration.swift', SOURCE)
        add(zf, '../grader-zip-slip-evil.swift', b'// escaped\n')
    with z('absolute-path.zip') as zf:
        add(zf, 'Registration.swift', SOURCE)
        add(zf, '/tmp/grader-absolute-evil.swift', b'// escaped\n')
    with z('backslash.zip') as zf:
        add(zf, '..\\grader-backslash-evil.swift', b'// escaped\n')
    with z('symlink.zip') as zf:
        add(zf, 'Registration.swift', SOURCE)
        add(zf, 'passwd.swift', b'/etc/passwd', mode=stat.S_IFLNK | 0o777)
    with z('fifo.zip') as zf:
        add(zf, 'pipe.swift', b'', mode=stat.S_IFIFO | 0o644)
    with z('setuid.zip') as zf:
        add(zf, 'tool.swift', SOURCE, mode=stat.S_IFREG | stat.S_ISUID | 0o755)
    with z('duplicate-names.zip') as zf:
        add(zf, 'Conv.swift', SOURCE)
        add(zf, 'conv.swift', SOURCE)
    # A zip bomb: 1 GiB of zeros in about 1 MiB.
    path = os.path.join(out, 'zip-bomb.zip')
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo('bomb.swift', date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED  # a ZipInfo is stored unless told (the bomb was 1 GiB on disk)
        with zf.open(info, 'w', force_zip64=True) as f:
            block = bytes(1 << 20)
            for _ in range(1024):
                f.write(block)
    # Under every size limit, but 5 MiB of zeros in a few KiB: refused by the ratio rule.
    with z('compression-ratio.zip') as zf:
        add(zf, 'Registration.swift', SOURCE)
        add(zf, 'padding.swift', bytes(5 << 20))
    # A header that lies: declares 100 bytes, holds 5 MiB.
    path = os.path.join(out, 'lying-size.zip')
    with zipfile.ZipFile(path, 'w') as zf:
        add(zf, 'Registration.swift', SOURCE, compress=zipfile.ZIP_STORED)
        add(zf, 'liar.swift', bytes(5 << 20), compress=zipfile.ZIP_DEFLATED)
    patch(path, struct.pack('<I', 5 << 20), struct.pack('<I', 100))
    # An entry flagged as encrypted (traditional PKWARE bit in both headers).
    path = os.path.join(out, 'encrypted.zip')
    with zipfile.ZipFile(path, 'w') as zf:
        add(zf, 'secret.swift', SOURCE, compress=zipfile.ZIP_STORED)
    with open(path, 'rb') as f:
        data = bytearray(f.read())
    local = data.find(b'PK\x03\x04'); data[local + 6] |= 1
    central = data.find(b'PK\x01\x02'); data[central + 8] |= 1
    with open(path, 'wb') as f:
        f.write(bytes(data))
    # A name that is not UTF-8.
    path = os.path.join(out, 'non-utf8-name.zip')
    with zipfile.ZipFile(path, 'w') as zf:
        add(zf, 'qq-name.swift', SOURCE)
    patch(path, b'qq-name', b'q\xff-name')
    # 100,000 tiny entries.
    with zipfile.ZipFile(os.path.join(out, 'many-entries.zip'), 'w', zipfile.ZIP_STORED) as zf:
        for i in range(100_000):
            zf.writestr('f%06d.swift' % i, b'')
    # Acceptable: one wrapping folder, and macOS junk beside real files.
    with z('ok-nested-wrapper.zip') as zf:
        add(zf, 'submission/Sources/Submission/Registration.swift', SOURCE)
    with z('ok-macosx-junk.zip') as zf:
        add(zf, 'Registration.swift', SOURCE)
        add(zf, '__MACOSX/._Registration.swift', b'\x00\x05\x16\x07')
        add(zf, '.DS_Store', b'\x00\x00\x00\x01Bud1')
        add(zf, '.build/debug/junk.o', b'\x7fELF')

if __name__ == '__main__':
    main(sys.argv[1])
