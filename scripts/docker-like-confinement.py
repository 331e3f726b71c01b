#!/usr/bin/python3
"""Runs a command under the confinement of a default Docker container, for tests (CI cannot run
Docker): Docker's default seccomp profile refuses namespaces and mounts (unshare, setns, mount,
umount2, pivot_root, clone with CLONE_NEW* flags; clone3 ENOSYS so glibc falls back to clone),
and the process keeps only Docker's 14 default capabilities (no CAP_SYS_ADMIN).

    docker-like-confinement.py COMMAND [ARGUMENT ...]

Needs root and python3-seccomp (Debian). Exit code: the command's; 70 when the confinement
could not be installed.
"""
import errno
import os
import sys

try:
    import seccomp
except ImportError:
    sys.exit("docker-like-confinement: python3-seccomp is missing: apt-get install python3-seccomp")

# Docker's default capability set (moby's oci/caps/defaults.go).
DOCKER_CAPS = ["chown", "dac_override", "fsetid", "fowner", "mknod", "net_raw", "setgid", "setuid",
               "setfcap", "setpcap", "net_bind_service", "sys_chroot", "kill", "audit_write"]
# CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET
NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    if os.geteuid() != 0:
        sys.exit("docker-like-confinement: run as root (a container's root is what it simulates)")
    refused = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for call in ["unshare", "setns", "mount", "umount2", "pivot_root", "open_tree", "move_mount", "fsopen", "fsmount"]:
        try:
            refused.add_rule(seccomp.ERRNO(errno.EPERM), call)
        except Exception:
            pass  # a call this kernel's headers lack
    refused.add_rule(seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, NAMESPACE_FLAGS, NAMESPACE_FLAGS))
    for flag in [0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000]:
        refused.add_rule(seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    refused.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    try:
        refused.load()
    except Exception as error:
        print(f"docker-like-confinement: the seccomp filter could not be installed: {error}", file=sys.stderr)
        sys.exit(70)
    bounding = "-all," + ",".join("+" + cap for cap in DOCKER_CAPS)
    os.execv("/usr/bin/setpriv", ["setpriv", f"--bounding-set={bounding}", f"--inh-caps={bounding}", "--"] + sys.argv[1:])


main()
