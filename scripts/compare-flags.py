#!/usr/bin/env python3
"""What the compile flags do to the code they make (issue 11): the reference built with the old
flags (-O, a frontend per file) and with the chosen ones (-O -wmo), then the exercise 2 suite and hw5's two
trainings run on each build through `grader judge` (the grader's own check runner), interleaved.

Usage: compare-flags.py SCRATCH RUNS  (from the repository root, after `swift build -c release`)
Prints one Markdown table row per flag set; make bench puts them in BENCHMARKS.md.
"""
import json, os, re, subprocess, sys, time

scratch, runs = sys.argv[1], int(sys.argv[2])
kit = '.build/release'
grader = os.path.join(kit, 'grader')
sources = sorted(os.path.join('reference/Sources/Submission', f) for f in os.listdir('reference/Sources/Submission') if f.endswith('.swift'))
entry = os.path.join(scratch, 'CompareEntry.swift')
# The ABI version the grader expects, read from ExerciseKit (a library built with another is refused).
abi = re.search(r'static let version: Int32 = (\d+)', open('ExerciseKit/Sources/ExerciseKit/Registry/SubmissionRegistry.swift').read()).group(1)
with open(entry, 'w') as f:
    f.write(('import ExerciseKit\n@_cdecl("exercisekit_abi_version")\npublic func __graderABIVersion() -> Int32 { %s }\n'
            '@_cdecl("exercisekit_register")\npublic func __graderRegister(_ registry: UnsafeMutableRawPointer) {\n'
            '    registerSubmission(Unmanaged<SubmissionRegistry>.fromOpaque(registry).takeUnretainedValue())\n}\n') % abi)
modes = [('-O (a frontend per file): the flags before issue 11', ['-O']), ('-O -wmo: the flags chosen', ['-O', '-wmo'])]
libraries = []
for index, (_, flags) in enumerate(modes):
    library = os.path.join(scratch, 'compare-%d.so' % index)
    subprocess.run(['swiftc', '-emit-library', '-parse-as-library', '-module-name', 'Submission', '-suppress-warnings',
                    '-I', kit + '/Modules', '-L', kit, '-lExerciseKit', '-Xlinker', '-rpath', '-Xlinker', os.path.abspath(kit),
                    '-module-cache-path', os.path.join(scratch, 'compare-mc'), '-o', library] + flags + sources + [entry], check=True)
    libraries.append(library)

def suite_requests():
    """Every check of the default rubric, named as `grader run --timings` names them."""
    rubric = json.load(open('rubric/exercise2.json'))
    parameters = {g['name']: g.get('parameters') for g in rubric['groups']}
    timings = subprocess.run([grader, 'run', '--no-sandbox', '--timings', 'reference'], capture_output=True, text=True).stderr
    ids = [line.split()[2] for line in timings.splitlines() if line.startswith('timing check ')]
    return [{'check': i, 'seed': rubric.get('seed', 1337), 'timeoutSeconds': 60, 'parameters': parameters.get(i.split('.')[0])} for i in ids]

def training_requests():
    rubric = json.load(open('rubric/hw5.json'))
    return [{'check': '%s.train' % g['name'], 'seed': rubric.get('seed', 0), 'timeoutSeconds': 300, 'parameters': g.get('parameters')}
            for g in rubric['groups'] if g['name'] in ('trainMLP', 'trainCNN')]

def judge(library, requests):
    """Seconds per check id, as the judge measured them."""
    process = subprocess.run([grader, 'judge', '--library', library, '--memory-mib', '4096', '--cpu-seconds', '900',
                              '--data-dir', 'rubric/data'], input='\n'.join(json.dumps(r) for r in requests) + '\n',
                             capture_output=True, text=True, check=True)
    seconds = {}
    for line in process.stdout.splitlines():
        reply = json.loads(line)
        if 'result' in reply:
            check = reply['result']['check']
            if check['status'] != 'passed':
                sys.exit('compare-flags: %s.%s did not pass with %s: %s' % (check['group'], check['name'], library, check['message'][:200]))
            seconds['%s.%s' % (check['group'], check['name'])] = check['seconds']
    return seconds

suite, trainings = suite_requests(), training_requests()
results = [{'suite': [], 'mlp': [], 'cnn': []} for _ in modes]
for _ in range(runs):
    for index, library in enumerate(libraries):
        results[index]['suite'].append(sum(judge(library, suite).values()))
        timed = judge(library, trainings)
        results[index]['mlp'].append(timed['trainMLP.train'])
        results[index]['cnn'].append(timed['trainCNN.train'])

def median(values):
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2

base = results[0]
for (label, _), measured in zip(modes, results):
    cells = []
    for key in ('suite', 'mlp', 'cnn'):
        value, reference = median(measured[key]), median(base[key])
        cells.append('%.3f s (%+.0f %%)' % (value, 100 * (value / reference - 1)))
    print('| %s | %s |' % (label, ' | '.join(cells)))
