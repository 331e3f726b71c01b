#!/usr/bin/env python3
"""Writes the sample course: one zip (or folder) per student, for `grader batch`.

Usage: python3 scripts/make-course.py OUT_DIR [--only id,id,...] [--hidden-rubric FILE] [--planted-copies]
(--planted-copies: three more students for the similarity measurement; .origins.json says
where each student's code comes from)
Standard library only; built from reference/ and submissions/ so it follows them.
Each student is correct, partial, buggy in one distinct way, crashing, hanging, hostile, or
tries something the sandbox must stop (and would then get a wrong update in Sgd: contained, the
student still scores full marks on the public groups).
"""
import importlib.util, json, os, shutil, sys, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.path.join(ROOT, 'reference', 'Sources', 'Submission')

def sources(folder):
    files = {}
    for base, _, names in os.walk(folder):
        for name in names:
            if name.endswith('.swift'):
                path = os.path.join(base, name)
                files[os.path.relpath(path, folder)] = open(path).read()
    return files

COURSE_FOLDERS = ['Exercise2', 'HW5']

def exercise2(files):
    """The sample course's students hand in exercise 2 and hw5 (the batch and integrity tests grade
    them with both rubrics): the Exercise2 and HW5 folders, the reference's shared Support folder,
    and a Registration.swift that registers those two. Each exercise's files are in its own folder,
    so nothing is stripped by file name; a flat sample (trapping, hanging) is kept whole."""
    if not any(k.startswith('Sources/Submission/Exercise2/') for k in files):
        return files
    keep = tuple('Sources/Submission/%s/' % f for f in COURSE_FOLDERS + ['Support'])
    files = {k: v for k, v in files.items() if k.startswith(keep)}
    calls = ''.join('    register%s(registry)\n' % f for f in COURSE_FOLDERS)
    files['Sources/Submission/Registration.swift'] = (
        'import ExerciseKit\n\n/// The submission\'s one entry point: tells the grader which type implements which contract.\n'
        'public func registerSubmission(_ registry: SubmissionRegistry) {\n' + calls + '}\n')
    return files

def reference():
    return exercise2({'Sources/Submission/' + k: v for k, v in sources(REF).items()})

def sample(name):
    return exercise2({'Sources/Submission/' + k: v for k, v in sources(os.path.join(ROOT, 'submissions', name, 'Sources', 'Submission')).items()})

def key_of(files, name):
    """The path of the one file called `name` (files live in their exercise's folder)."""
    keys = [k for k in files if os.path.basename(k) == name]
    assert len(keys) == 1, (name, keys)
    return keys[0]

def mutate(edits):
    files = reference()
    for file, old, new in edits:
        key = key_of(files, file)
        assert files[key].count(old) == 1, (file, old)
        files[key] = files[key].replace(old, new)
    return files

def evil_sgd(attempt):
    """The reference with Sgd doing `attempt` first; `escaped` true means the sandbox failed."""
    files = reference()
    key = key_of(files, 'Optimizers.swift')
    old = '''    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        weightTensor.zipWith(gradientTensor) { w, g in w - learningRate * g }
    }'''
    assert files[key].count(old) == 1
    files[key] = files[key].replace(old, '''    public func calculateUpdate(weightTensor: Tensor, gradientTensor: Tensor) throws -> Tensor {
        let escaped = sandboxProbe()
        print("sandbox probe escaped: \\(escaped)")
        let update = weightTensor.zipWith(gradientTensor) { w, g in w - learningRate * g }
        return escaped ? update + 1 : update
    }''')
    files['Sources/Submission/SandboxProbe.swift'] = 'import Foundation\n#if canImport(Glibc)\nimport Glibc\n#endif\n\n' + attempt
    return files

FORK_BOMB = '''/// Starts as many processes as it can (bounded at 300, each sleeping 3 s).
func sandboxProbe() -> Bool {
    var started = 0
    for _ in 0..<300 {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sleep"), strdup("3"), nil]
        if posix_spawn(&pid, "/bin/sleep", nil, nil, argv, nil) == 0 { started += 1 }
    }
    print("fork bomb: started \\(started) processes")
    return started >= 200
}
'''
MEMORY_HOG = '''/// Maps and touches 20 GiB (mmap: an unused malloc would be optimised away).
func sandboxProbe() -> Bool {
    let size = 20 << 30
    let block = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
    guard let block, block != MAP_FAILED else { return false }
    memset(block, 1, size)
    munmap(block, size)
    return true
}
'''
NETWORK = '''/// Connects to a TCP port on the host's loopback (the tests listen on 47800).
func sandboxProbe() -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(47800).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return result == 0
}
'''
def read_file(path):
    return '''/// Reads the TA's hidden rubric.
func sandboxProbe() -> Bool {
    FileManager.default.contents(atPath: "%s") != nil
}
''' % path

import re

def renamed(files, seed):
    """A copy with every non-public `let`/`var` renamed, in all files alike (it still compiles)."""
    names = sorted({m.group(2) for text in files.values()
                    for m in re.finditer(r'(?<!public )(let|var)\s+([a-z][A-Za-z0-9_]*)', text)})
    mapping = {name: 'q%s%d' % (name[:1].upper() + name[1:], seed) for name in names}
    pattern = re.compile(r'\b(' + '|'.join(map(re.escape, mapping)) + r')\b') if mapping else None
    return {k: pattern.sub(lambda m: mapping[m.group(1)], v) if pattern else v for k, v in files.items()}

def reordered(files):
    """A copy with each file's declarations, and each type's members, in reverse order."""
    def blocks(lines, depth):
        # Runs of lines that start and end at `depth` braces deep: one declaration each.
        out, current, level = [], [], depth
        for line in lines:
            current.append(line)
            level += line.count('{') - line.count('}')
            if level == depth and line.strip() and not line.strip().startswith(('//', '///', '@')):
                out.append(current); current = []
        if current: out.append(current)
        return out
    def reverse_members(block):
        # A type's body: the lines between its opening and closing line.
        opening = next((i for i, l in enumerate(block) if l.rstrip().endswith('{')), None)
        if opening is not None and opening < len(block) - 2 and block[-1].strip() == '}':
            members = blocks(block[opening + 1:-1], 1)
            return block[:opening + 1] + [l for m in reversed(members) for l in m] + [block[-1]]
        return block
    result = {}
    for key, text in files.items():
        lines = text.split('\n')
        head = [l for l in lines if l.startswith('import ')]
        body = [l for l in lines if not l.startswith('import ')]
        decls = [reverse_members(b) for b in blocks(body, 0)]
        result[key] = '\n'.join(head + [l for b in reversed(decls) for l in b])
    return result

def unrelated():
    """An honest solution written apart from the others (Tests/Fixtures/similarity/unrelated)."""
    files = sample('skeleton')
    folder = os.path.join(ROOT, 'Tests', 'Fixtures', 'similarity', 'unrelated')
    for name in sorted(os.listdir(folder)):
        files['Sources/Submission/' + name] = open(os.path.join(folder, name)).read()
    return files

def write_zip(path, files, wrapper=None, junk=False):
    # A fixed date: the same files make the same bytes (writestr stamps the clock, so a duplicate
    # written across a two-second boundary would differ from its original and not be one).
    def entry(name):
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as zf:
        for name, text in sorted(files.items()):
            zf.writestr(entry((wrapper + '/' if wrapper else '') + name), text)
        if junk:
            zf.writestr(entry('__MACOSX/._Package.swift'), b'\x00\x05\x16\x07')
            zf.writestr(entry('.DS_Store'), b'\x00\x00\x00\x01Bud1')

def main(out, only, hidden_rubric, planted=False):
    os.makedirs(out, exist_ok=True)
    spec = importlib.util.spec_from_file_location('hostile', os.path.join(ROOT, 'scripts', 'make-hostile-zips.py'))
    hostile = importlib.util.module_from_spec(spec); spec.loader.exec_module(hostile)
    course = {
        'alice': reference(),
        'bob': reference(),                        # an exact duplicate of alice
        'carol': sample('partial'),
        'dave': sample('skeleton'),
        'erin': sample('trapping'),
        'frank': sample('hanging'),
        'grace': {'Sources/Submission/Optimizers.swift': open(os.path.join(ROOT, 'submissions', 'compile-error', 'Sources', 'Submission', 'Optimizers.swift')).read()},
        'heidi': mutate([('Optimizers.swift', 'let vHat = firstMoment[i] / muCorrection', 'let vHat = firstMoment[i]')]),
        'ivan': mutate([('Optimizers.swift', 'momentumRate * v - learningRate * g', 'momentumRate * v + learningRate * g')]),
        'judy': mutate([('Conv.swift', 'dx[xRow + ox * sx] += wv * error', 'dx[xRow + ox] += wv * error'),
                        ('Conv.swift', 'accumulated += error * x[xRow + ox * sx]', 'accumulated += error * x[xRow + ox]')]),
        # Convolution instead of correlation, consistently: passes the public tests, not the hidden ones.
        'kim': mutate([('Conv.swift', 'let wv = w[((k * g.channels + c) * kh + u) * kw + v]',
                        'let wv = w[((k * g.channels + c) * kh + (kh - 1 - u)) * kw + (kw - 1 - v)]'),
                       ('Conv.swift', 'let wIndex = ((k * g.channels + c) * kh + u) * kw + v',
                        'let wIndex = ((k * g.channels + c) * kh + (kh - 1 - u)) * kw + (kw - 1 - v)')]),
        # The other "same" padding for even kernels (m/2 − 1 zeros before): as correct as the reference's.
        'nadia': mutate([('Conv.swift', 'padTop: kernelHeight / 2, padLeft: kernelWidth / 2)',
                          'padTop: (kernelHeight - 1) / 2, padLeft: (kernelWidth - 1) / 2)')]),
        'leo': mutate([('Pooling.swift', 'let outHeight = (height - py) / sy + 1, outWidth = (width - px) / sx + 1',
                        'let outHeight = (height - py + sy - 1) / sy + 1, outWidth = (width - px + sx - 1) / sx + 1')]),
        'peggy': evil_sgd(FORK_BOMB),
        'rupert': evil_sgd(MEMORY_HOG),
        'sybil': evil_sgd(NETWORK),
        'trent': evil_sgd(read_file(hidden_rubric)),
        'wendy': mutate([('Initializers.swift', 'let sigma = (2.0 / Double(fanIn)).squareRoot()', 'let sigma = (2.0 / Double(fanOut)).squareRoot()')]),
    }
    # Where each student's code comes from, for the similarity measurement: two students with no
    # origin in common (the skeleton, subtracted as the handout, aside) wrote their code apart.
    origins = {s: ['reference'] for s in course}
    origins.update({'carol': ['partial'], 'dave': ['skeleton'], 'erin': ['trapping'], 'frank': ['hanging'],
                    'grace': ['compile-error'], 'uma': ['reference'], 'victor': ['partial']})
    if planted:
        # Planted copies (issue 29): a renamed copy of carol, a reordered and renamed copy of carol,
        # and an unrelated correct solution of the optimizers, initializers, Flatten and ReLU.
        course['planted-renamed'] = renamed(sample('partial'), 1)
        course['planted-reordered'] = renamed(reordered(sample('partial')), 2)
        course['quinn-unrelated'] = unrelated()
        origins.update({'planted-renamed': ['partial'], 'planted-reordered': ['partial'], 'quinn-unrelated': ['quinn']})
    for student, files in course.items():
        if only and student not in only: continue
        write_zip(os.path.join(out, student + '.zip'), files)
    if not only or 'uma' in only:
        write_zip(os.path.join(out, 'uma.zip'), reference(), wrapper='uma-submission', junk=True)
    if not only or 'victor' in only:
        folder = os.path.join(out, 'victor')
        shutil.rmtree(folder, ignore_errors=True)
        for name, text in sample('partial').items():
            os.makedirs(os.path.dirname(os.path.join(folder, name)), exist_ok=True)
            open(os.path.join(folder, name), 'w').write(text)
    # Students who attack the grader itself (Tests/Fixtures/hostile): each must score what its honest
    # part earns, beside everyone else, and the batch must end with a row for each.
    spec = importlib.util.spec_from_file_location('fixtures', os.path.join(ROOT, 'scripts', 'make-hostile-fixtures.py'))
    fixtures = importlib.util.module_from_spec(spec); spec.loader.exec_module(fixtures)
    for name in fixtures.names():
        # A fixture marked "course": false shows only under the containment test's small limits.
        if (not only and fixtures.fixture(name).get('course', True)) or name in only:
            write_zip(os.path.join(out, name + '.zip'), fixtures.sources(name))
            origins[name] = [fixtures.fixture(name)['base'], 'hostile-tools']
    tmp = os.path.join(out, '.hostile')
    hostile.main(tmp)
    for student, source in [('mallory', 'zip-slip.zip'), ('niaj', 'zip-bomb.zip'), ('olivia', 'symlink.zip')]:
        if not only or student in only:
            shutil.copy(os.path.join(tmp, source), os.path.join(out, student + '.zip'))
    shutil.rmtree(tmp)
    for student in ['mallory', 'niaj', 'olivia']: origins[student] = [student]
    present = {n[:-4] if n.endswith('.zip') else n for n in os.listdir(out) if not n.startswith('.')}
    with open(os.path.join(out, '.origins.json'), 'w') as f:
        json.dump({k: v for k, v in sorted(origins.items()) if k in present}, f, indent=1)

if __name__ == '__main__':
    only = set(sys.argv[sys.argv.index('--only') + 1].split(',')) if '--only' in sys.argv else set()
    # The file trent tries to read: the hidden rubric the batch will use.
    hidden = sys.argv[sys.argv.index('--hidden-rubric') + 1] if '--hidden-rubric' in sys.argv else os.path.join(ROOT, 'rubric', 'course-hidden.json')
    main(sys.argv[1], only, os.path.abspath(hidden), planted='--planted-copies' in sys.argv)
