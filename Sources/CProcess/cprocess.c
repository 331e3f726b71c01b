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
