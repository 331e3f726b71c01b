#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>
#include <spawn.h>
#include "cprocess.h"

int cprocess_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int cprocess_spawn_closefrom(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

#include <signal.h>
#include <sys/syscall.h>

int cprocess_signal_thread(int pid, int tid, int signal) { return (int)syscall(SYS_tgkill, pid, tid, signal); }

#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#if defined(__x86_64__)
#define CPROCESS_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define CPROCESS_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

// One comparison and its verdict: two instructions, so no jump ever spans more than one.
#define CPROCESS_REFUSE(nr, error) \
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (error))

// Another architecture's calling convention (e.g. i386 through int 0x80) has other numbers: such
// a call kills the process; then the call's number is loaded for the rules.
#define CPROCESS_THIS_ARCHITECTURE_ONLY \
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)), \
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, CPROCESS_AUDIT_ARCH, 1, 0), \
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS), \
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))

#ifdef CPROCESS_AUDIT_ARCH
// Installs a filter for this thread and those it starts (no new privileges first, as unprivileged
// seccomp requires); stacked filters all apply, the strictest verdict wins.
static int cprocess_install_filter(struct sock_filter *filter, size_t count) {
    struct sock_fprog program = { .len = (unsigned short)count, .filter = filter };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program, 0, 0);
}
#endif

int cprocess_deny_new_processes(void) {
#ifndef CPROCESS_AUDIT_ARCH
    errno = ENOSYS;
    return -1;
#else
    struct sock_filter filter[] = {
        CPROCESS_THIS_ARCHITECTURE_ONLY,
#if defined(__x86_64__)
        // x32 calls (bit 30 set) reach the same kernel functions by other numbers.
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        CPROCESS_REFUSE(__NR_fork, EPERM),
        CPROCESS_REFUSE(__NR_vfork, EPERM),
#endif
        CPROCESS_REFUSE(__NR_execve, EPERM),
        CPROCESS_REFUSE(__NR_execveat, EPERM),
        // No looking into or steering other processes (the judge runs as another uid, but in a
        // container without namespaces nothing else separates them).
        CPROCESS_REFUSE(__NR_ptrace, EPERM),
        CPROCESS_REFUSE(__NR_process_vm_readv, EPERM),
        CPROCESS_REFUSE(__NR_process_vm_writev, EPERM),
        // No network: sockets of the local (AF_UNIX) family only.
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 4),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EAFNOSUPPORT),
        // clone3 passes its flags in memory a filter cannot read: ENOSYS makes glibc fall back to
        // clone, whose flags it can (threads keep working).
        CPROCESS_REFUSE(__NR_clone3, ENOSYS),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),  // low half of flags
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    return cprocess_install_filter(filter, sizeof filter / sizeof filter[0]);
#endif
}

// Refuses the calls that create or write files (a second filter, stacked on the first): in a
// container no disk of its own can be mounted for the worker, and RLIMIT_FSIZE bounds one file,
// not their sum (63 MiB files filled 2 GiB of the container's disk). Opening to read stays.
#define CPROCESS_WRITE_FLAGS (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)
int cprocess_deny_file_writes(void) {
#ifndef CPROCESS_AUDIT_ARCH
    errno = ENOSYS;
    return -1;
#else
    struct sock_filter filter[] = {
        CPROCESS_THIS_ARCHITECTURE_ONLY,
        // openat(dirfd, path, flags): the flags are its third argument.
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 0, 4),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CPROCESS_WRITE_FLAGS, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
#ifdef __NR_open
        // open(path, flags): the second.
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_open, 0, 4),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CPROCESS_WRITE_FLAGS, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
#endif
        // openat2's flags are in memory a filter cannot read: ENOSYS (glibc's open uses openat).
#ifdef __NR_openat2
        CPROCESS_REFUSE(__NR_openat2, ENOSYS),
#endif
        // io_uring would open and write without these calls; memfd_create makes files of memory
        // no address-space limit counts.
#ifdef __NR_io_uring_setup
        CPROCESS_REFUSE(__NR_io_uring_setup, EPERM),
#endif
        CPROCESS_REFUSE(__NR_memfd_create, EPERM),
#ifdef __NR_creat
        CPROCESS_REFUSE(__NR_creat, EACCES),
#endif
#ifdef __NR_mkdir
        CPROCESS_REFUSE(__NR_mkdir, EACCES),
#endif
        CPROCESS_REFUSE(__NR_mkdirat, EACCES),
#ifdef __NR_mknod
        CPROCESS_REFUSE(__NR_mknod, EACCES),
#endif
        CPROCESS_REFUSE(__NR_mknodat, EACCES),
#ifdef __NR_link
        CPROCESS_REFUSE(__NR_link, EACCES),
#endif
        CPROCESS_REFUSE(__NR_linkat, EACCES),
#ifdef __NR_symlink
        CPROCESS_REFUSE(__NR_symlink, EACCES),
#endif
        CPROCESS_REFUSE(__NR_symlinkat, EACCES),
#ifdef __NR_rename
        CPROCESS_REFUSE(__NR_rename, EACCES),
#endif
        CPROCESS_REFUSE(__NR_renameat, EACCES),
        CPROCESS_REFUSE(__NR_renameat2, EACCES),
        CPROCESS_REFUSE(__NR_truncate, EACCES),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    return cprocess_install_filter(filter, sizeof filter / sizeof filter[0]);
#endif
}
