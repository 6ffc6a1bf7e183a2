#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Usage: ktap.py CONSOLE_LOG VM_STATUS SUITE...

Reads a kunit guest's console log: the KTAP that KUnit printed (printk, with
its timestamps; debugfs keeps only 512 bytes of a case's log on 6.1, too
little for our tables), of the suites whose names start with "xprtrdma", and
the scenario's own "ok - ..." / "not ok - ..." lines.  Prints one line per test case (a
parameterised case counts each row), then "N passed, N failed[, N skipped]".
VM_STATUS is run-vm's exit status: non-zero (a kernel log report, a
timeout) is one more failure.  Exits 1 on a failed case, a skipped case, a
named SUITE that reported nothing, a failed VM run, or no result at all.
"""
import re
import sys

STAMP = re.compile(r'^\[\s*\d+\.\d+\] ?')
RESULT = re.compile(r'^(\s*)(ok|not ok) \d+ (.*?)(?:\s+#\s*(SKIP.*))?$')


def parse_ktap(lines):
    """Return the top-level nodes: (name, status, children)."""
    pending = {}          # indent -> finished nodes waiting for their parent
    for line in lines:
        m = RESULT.match(line.rstrip())
        if not m:
            continue
        indent = len(m.group(1).expandtabs(8))
        children = []
        for deeper in sorted(k for k in pending if k > indent):
            children += pending.pop(deeper)
        status = 'skip' if m.group(4) else ('pass' if m.group(2) == 'ok' else 'fail')
        pending.setdefault(indent, []).append((m.group(3), status, children))
    return [n for k in sorted(pending) for n in pending[k]]


def leaves(node, path):
    name, status, children = node
    if not children:
        yield path + [name], status
    for child in children:
        yield from leaves(child, path + [name])


def main():
    log, vm_status, suites = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    with open(log, errors='replace') as f:
        text = f.read()
    printk = [STAMP.sub('', l) for l in text.splitlines() if STAMP.match(l)]
    counts = {'pass': 0, 'fail': 0, 'skip': 0}
    label = {'pass': 'ok', 'fail': 'not ok', 'skip': 'skipped'}
    seen = set()
    for root in parse_ktap(printk):
        if not root[0].startswith('xprtrdma'):
            continue
        for path, status in leaves(root, []):
            seen.add(path[0])
            counts[status] += 1
            print(f'{label[status]} - {" / ".join(path)}')
    for m in re.finditer(r'^(ok|not ok) - (.*)$', text, re.M):
        status = 'pass' if m.group(1) == 'ok' else 'fail'
        counts[status] += 1
        print(f'{m.group(1)} - vm: {m.group(2)}')
    for suite in suites:
        if suite not in seen:
            counts['fail'] += 1
            print(f'not ok - {suite}: the suite did not run')
    if vm_status:
        counts['fail'] += 1
        print(f'not ok - vm: run-vm exited {vm_status} (kernel log report, '
              'timeout or scenario failure; see above)')
    line = f"{counts['pass']} passed, {counts['fail']} failed"
    if counts['skip']:
        line += f", {counts['skip']} skipped"
    print(line)
    bad = counts['fail'] or counts['skip'] or not counts['pass']
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
