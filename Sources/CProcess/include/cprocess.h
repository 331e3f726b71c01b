// glibc and Linux calls Swift's Glibc module does not import (they need _GNU_SOURCE or kernel headers).
#ifndef CPROCESS_H
#define CPROCESS_H
#include <spawn.h>

/// pipe2(fds, O_CLOEXEC): both ends close-on-exec from their creation.
int cprocess_pipe_cloexec(int fds[2]);

/// posix_spawn_file_actions_addclosefrom_np: the child closes every descriptor >= from.
int cprocess_spawn_closefrom(posix_spawn_file_actions_t *actions, int from);

/// Sends `signal` to one thread `tid` of process `pid` (tgkill): a process-directed signal may
/// land on any of its threads, and a stack sample must come from the one running student code.
int cprocess_signal_thread(int pid, int tid, int signal);

/// Installs a seccomp filter on the calling process and all it starts later: no new process
/// (fork, vfork, clone without CLONE_THREAD) and no program (execve, execveat) ever again;
/// threads stay allowed. Irreversible. Returns 0, or -1 with errno set.
int cprocess_deny_new_processes(void);
/// Refuses creating and writing files (open for writing, mkdir, rename, links, io_uring, memfd): EACCES.
int cprocess_deny_file_writes(void);

#endif
