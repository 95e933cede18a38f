// A bounded child process: started without a shell in a process group of its
// own, its standard output collected, the whole group stopped (SIGTERM, then
// SIGKILL) when it overruns its time, and nothing of it left running after.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "napilab/result.hpp"

namespace napilab {

struct ProcessOutput {
  std::string stdout_text;
  int exit_status = 0;     // the exit code, or 128 + signal like a shell
  bool timed_out = false;  // stopped because it overran the timeout
};

// Starts `program` with `args` (posix_spawnp, no shell: each argument reaches
// the program as it is) with standard input from /dev/null, collects its
// standard output (stderr is inherited) and returns once it has exited.
//
// The child leads a new process group (its pid is the group's id), so that
// one kill(-pgid) reaches everything it started: a `bash -c` pipeline, its
// background jobs, their children.
//  - At `timeout` the group gets SIGTERM (and SIGCONT, should one be
//    stopped), which makes iperf3 print what it has; SIGKILL follows 1 s
//    later if the child is still there. timed_out tells.
//  - Once the child has exited, by itself or so, whatever of its group is
//    still running (a background job) gets SIGKILL; what it wrote before
//    is collected. The group is only ever signalled while the child is
//    still unreaped, so its id cannot have been reused.
//  - On return no process of the group is left: run_process waits up to 1 s
//    for the killed ones to go (kill(-pgid, 0) fails with ESRCH). Those
//    that outlived the child are reparented to init, or to the caller if it
//    is a subreaper (prctl PR_SET_CHILD_SUBREAPER), which run_process then
//    reaps itself; under an init that never reaps, their zombies make it
//    wait out that second.
// Not covered: a process that leaves the group (setsid, setpgid) and a
// caller killed by SIGKILL, which cannot stop its child. Safe to call from
// several threads at once; EINTR is retried everywhere. Ignoring SIGCHLD in
// the caller loses the exit status (255) and the group kill after exit.
Result<ProcessOutput> run_process(const std::string& program, const std::vector<std::string>& args,
                                  std::chrono::milliseconds timeout);

}  // namespace napilab
