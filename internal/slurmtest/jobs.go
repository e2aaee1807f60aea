package slurmtest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// task is one record of `scontrol -o show job`: an array task, or (Task
// -1) the array's pending remainder, whose ids Range lists.
type task struct {
	Task     int
	Range    string
	State    string
	ExitCode string // "status:signal"
}

// terminal lists the job states a task does not leave.
var terminal = map[string]bool{
	"COMPLETED": true, "FAILED": true, "CANCELLED": true, "TIMEOUT": true,
	"NODE_FAIL": true, "OUT_OF_MEMORY": true, "PREEMPTED": true,
	"BOOT_FAIL": true, "DEADLINE": true,
}

// parseJobs reads `scontrol -o show job ID`: one line per record, fields
// KEY=VALUE separated by spaces.
func parseJobs(out string) ([]task, error) {
	var tasks []task
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := map[string]string{}
		for _, kv := range strings.Fields(line) {
			if k, v, ok := strings.Cut(kv, "="); ok {
				if _, dup := f[k]; !dup {
					f[k] = v
				}
			}
		}
		if f["JobState"] == "" || f["ArrayTaskId"] == "" {
			return nil, fmt.Errorf("scontrol printed a record without JobState or ArrayTaskId (not an array job?): %q", line)
		}
		tk := task{Task: -1, State: f["JobState"], ExitCode: f["ExitCode"]}
		if i, err := strconv.Atoi(f["ArrayTaskId"]); err == nil {
			tk.Task = i
		} else {
			tk.Range = f["ArrayTaskId"]
		}
		tasks = append(tasks, tk)
	}
	sort.Slice(tasks, func(i, j int) bool { return tasks[i].Task < tasks[j].Task })
	return tasks, nil
}

// done reports whether tasks 0 to n-1 have each their own record in a
// terminal state.
func done(tasks []task, n int) bool {
	seen := 0
	for _, tk := range tasks {
		if tk.Task < 0 || !terminal[tk.State] {
			return false
		}
		if tk.Task < n {
			seen++
		}
	}
	return seen == n
}

// failed names the tasks that did not complete with exit code 0.
func failed(tasks []task) []string {
	var bad []string
	for _, tk := range tasks {
		if tk.State != "COMPLETED" || tk.ExitCode != "0:0" {
			bad = append(bad, fmt.Sprintf("%d (%s, exit code %s)", tk.Task, tk.State, tk.ExitCode))
		}
	}
	return bad
}

// wait polls scontrol until every task has ended or ctx ends; it returns
// the last records read either way. A few failed reads in a row are
// tolerated (a busy slurmctld); more are an error.
func wait(ctx context.Context, id string, n int) ([]task, error) {
	var tasks []task
	var lastErr error
	start := time.Now()
	for misses := 0; ; {
		out, err := exec.CommandContext(ctx, "scontrol", "-o", "show", "job", id).CombinedOutput()
		if err == nil {
			tasks, err = parseJobs(string(out))
		} else {
			err = fmt.Errorf("scontrol show job %s: %v: %s", id, err, strings.TrimSpace(string(out)))
		}
		switch {
		case err == nil && done(tasks, n):
			return tasks, nil
		case err == nil:
			misses = 0
		default:
			misses++
			lastErr = err
			if misses >= 10 {
				return tasks, lastErr
			}
		}
		select {
		case <-ctx.Done():
			return tasks, fmt.Errorf("not done after %v: %s", time.Since(start).Round(time.Second), states(tasks))
		case <-time.After(poll):
		}
	}
}

// states sums up the records: "task 0 COMPLETED, tasks 1-2 PENDING".
func states(tasks []task) string {
	if len(tasks) == 0 {
		return "no job records read"
	}
	var s []string
	for _, tk := range tasks {
		if tk.Task < 0 {
			s = append(s, "tasks "+tk.Range+" "+tk.State)
		} else {
			s = append(s, fmt.Sprintf("task %d %s", tk.Task, tk.State))
		}
	}
	return strings.Join(s, ", ")
}

// maxOutput bounds how much of each task's output a report quotes.
const maxOutput = 4000

// report lists every task's state and the end of its output file.
func report(tasks []task, outDir, id string, n int) string {
	byID := map[int]task{}
	for _, tk := range tasks {
		byID[tk.Task] = tk
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		tk, ok := byID[i]
		state := "no record"
		if ok {
			state = tk.State + ", exit code " + tk.ExitCode
		}
		file := filepath.Join(outDir, fmt.Sprintf("slurm-%s_%d.out", id, i))
		fmt.Fprintf(&b, "\n--- task %d (%s): %s\n%s", i, state, file, tail(file))
	}
	return b.String()
}

// tail is the end of a file, at most maxOutput bytes, or why it is missing.
func tail(path string) string {
	data, err := os.ReadFile(path)
	switch {
	case err != nil:
		return "(no output: " + err.Error() + ")"
	case len(data) == 0:
		return "(empty)"
	case len(data) > maxOutput:
		return "[...]" + string(data[len(data)-maxOutput:])
	}
	return string(data)
}
