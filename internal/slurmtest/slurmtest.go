// Package slurmtest runs tests against a real Slurm cluster: the
// single-node one examples/slurm/start-cluster.sh starts (and .ci/run
// starts before the tests), or any cluster whose sinfo answers. The cluster
// keeps no accounting, so jobs are followed with scontrol, which shows a
// finished job's state and exit code for MinJobAge seconds (600 in
// examples/slurm/slurm.conf).
package slurmtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Timeout bounds SubmitArray's wait for a job (and the test's own deadline
// bounds it further); a job still running then is cancelled.
var Timeout = 5 * time.Minute

// poll is how often the job's state is read.
var poll = 300 * time.Millisecond

// Require skips t with the reason when no Slurm cluster with a usable node
// answers sinfo, and fails it instead when the CI environment variable is
// set (.ci/run starts the cluster).
func Require(t testing.TB) {
	t.Helper()
	err := availableOnce()
	if err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("no Slurm cluster (.ci/run starts one with examples/slurm/start-cluster.sh): %v", err)
	}
	t.Skipf("no Slurm cluster (start one as root with examples/slurm/start-cluster.sh): %v", err)
}

// availableOnce is available, asked once per test binary: sinfo takes
// about 9 s to give up on a controller that does not answer.
var availableOnce = sync.OnceValue(available)

// available reports why no Slurm node can run jobs, or nil.
func available() error {
	if _, err := exec.LookPath("sinfo"); err != nil {
		return errors.New("sinfo is not installed (apt-get install slurm-wlm munge)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "sinfo", "-h", "-N", "-o", "%N %T").CombinedOutput()
	if err != nil {
		return fmt.Errorf("sinfo: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return usableNode(string(out))
}

// usableNode reads `sinfo -h -N -o "%N %T"` and reports an error unless
// some node is idle, mixed, allocated or completing (a trailing * means
// the node does not respond).
func usableNode(out string) error {
	var seen []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		switch f[1] {
		case "idle", "mixed", "allocated", "completing":
			return nil
		}
		seen = append(seen, f[0]+" "+f[1])
	}
	if len(seen) == 0 {
		return errors.New("sinfo lists no nodes")
	}
	return fmt.Errorf("no node can run jobs: %s", strings.Join(seen, ", "))
}

// SubmitArray submits script (a file) as an n-task job array (task ids 0 to
// n-1, overriding the script's own --array) with env added to this
// process's environment, waits for every task, and returns the job id. It
// fails t — with each task's state, exit code and output — when a task
// fails, the submission fails, or the job outlives Timeout (it is then
// cancelled). The job runs in the current directory; its output files go
// to a temporary directory of t.
func SubmitArray(t testing.TB, script string, n int, env map[string]string) (jobID string) {
	t.Helper()
	timeout := Timeout
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := d.Deadline(); ok && time.Until(dl)-10*time.Second < timeout {
			timeout = max(time.Until(dl)-10*time.Second, time.Second)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	id, err := runArray(ctx, script, n, env, t.TempDir())
	if err != nil {
		t.Fatalf("slurm job array %s: %v", script, err)
	}
	return id
}

// runArray is SubmitArray without t: it submits, waits and returns the job
// id, or an error describing every task and its output.
func runArray(ctx context.Context, script string, n int, env map[string]string, outDir string) (string, error) {
	if n < 1 {
		return "", fmt.Errorf("an array needs at least 1 task, not %d", n)
	}
	abs, err := filepath.Abs(script)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(abs); err != nil {
		return "", fmt.Errorf("script: %w", err)
	}
	id, err := submit(ctx, abs, n, env, outDir)
	if err != nil {
		return "", err
	}
	tasks, err := wait(ctx, id, n)
	if err != nil {
		cancelJob(id)
		return id, fmt.Errorf("job %s: %v (cancelled)%s", id, err, report(tasks, outDir, id, n))
	}
	if bad := failed(tasks); len(bad) > 0 {
		return id, fmt.Errorf("job %s: task %s failed%s", id, strings.Join(bad, ", "), report(tasks, outDir, id, n))
	}
	return id, nil
}

// submit runs sbatch and returns the job id.
func submit(ctx context.Context, script string, n int, env map[string]string, outDir string) (string, error) {
	out := filepath.Join(outDir, "slurm-%A_%a.out")
	cmd := exec.CommandContext(ctx, "sbatch", "--parsable", fmt.Sprintf("--array=0-%d", n-1),
		"--output="+out, "--error="+out, script)
	cmd.Env = os.Environ()
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		cmd.Env = append(cmd.Env, k+"="+env[k])
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("sbatch: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return parseJobID(string(stdout))
}

// parseJobID reads sbatch --parsable's "ID" or "ID;CLUSTER".
func parseJobID(out string) (string, error) {
	id, _, _ := strings.Cut(strings.TrimSpace(out), ";")
	if id == "" || strings.Trim(id, "0123456789") != "" {
		return "", fmt.Errorf("sbatch printed %q, not a job id", strings.TrimSpace(out))
	}
	return id, nil
}

// cancelJob cancels a job that outlived its time; errors are ignored (the
// job may have ended meanwhile).
func cancelJob(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = exec.CommandContext(ctx, "scancel", id).Run()
}
