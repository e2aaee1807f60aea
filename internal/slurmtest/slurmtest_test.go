package slurmtest

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseJobID(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{"42\n", "42", ""},
		{"1234;kiln\n", "1234", ""},
		{"", "", `sbatch printed "", not a job id`},
		{"Submitted batch job 7\n", "", `"Submitted batch job 7", not a job id`},
		{"12a;x", "", `"12a;x", not a job id`},
	} {
		t.Run(c.in, func(t *testing.T) {
			got, err := parseJobID(c.in)
			if c.err != "" {
				require.ErrorContains(t, err, c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestUsableNode(t *testing.T) {
	for _, c := range []struct{ name, in, err string }{
		{"idle", "vm idle\n", ""},
		{"mixed after down", "a down\nb mixed\n", ""},
		{"allocated", "vm allocated\n", ""},
		{"not responding", "vm idle*\n", "no node can run jobs: vm idle*"},
		{"drained", "a drained\nb down*\n", "no node can run jobs: a drained, b down*"},
		{"inval", "vm inval\n", "no node can run jobs: vm inval"},
		{"empty", "", "sinfo lists no nodes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := usableNode(c.in)
			if c.err == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, c.err)
		})
	}
}

// record is a line of `scontrol -o show job` as slurm 22.05 prints it
// (middle fields shortened).
func record(job, task, state, exit string) string {
	return fmt.Sprintf("JobId=%s ArrayJobId=2 ArrayTaskId=%s JobName=job.sh UserId=root(0) "+
		"JobState=%s Reason=None Dependency=(null) ExitCode=%s RunTime=00:00:02 "+
		"Command=/tmp/h25/job.sh WorkDir=/tmp/h25 StdOut=/tmp/h25/slurm-2_%s.out Power= ", job, task, state, exit, task)
}

func TestParseJobs(t *testing.T) {
	out := strings.Join([]string{
		record("2", "2", "PENDING", "0:0"),
		record("4", "1", "FAILED", "3:0"),
		record("3", "0", "COMPLETED", "0:0"),
	}, "\n") + "\n"
	got, err := parseJobs(out)
	require.NoError(t, err)
	assert.Equal(t, []task{
		{Task: 0, State: "COMPLETED", ExitCode: "0:0"},
		{Task: 1, State: "FAILED", ExitCode: "3:0"},
		{Task: 2, State: "PENDING", ExitCode: "0:0"},
	}, got)
	assert.False(t, done(got, 3))
	assert.Equal(t, []string{"1 (FAILED, exit code 3:0)", "2 (PENDING, exit code 0:0)"}, failed(got))

	got, err = parseJobs(record("5", "0-2", "PENDING", "0:0"))
	require.NoError(t, err)
	assert.Equal(t, []task{{Task: -1, Range: "0-2", State: "PENDING", ExitCode: "0:0"}}, got)
	assert.Equal(t, "tasks 0-2 PENDING", states(got))

	_, err = parseJobs("JobId=9 JobName=plain JobState=RUNNING ExitCode=0:0")
	require.ErrorContains(t, err, "not an array job?")
}

// TestDone compares done with its definition on every combination of
// states for arrays of 1 to 3 tasks, with and without a pending remainder
// record, in a shuffled order (fixed seed).
func TestDone(t *testing.T) {
	states := []string{"PENDING", "RUNNING", "COMPLETING", "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT"}
	rng := rand.New(rand.NewSource(8))
	checked := 0
	for n := 1; n <= 3; n++ {
		combos := 1
		for i := 0; i < n; i++ {
			combos *= len(states)
		}
		for c := 0; c < combos; c++ {
			for _, remainder := range []bool{false, true} {
				var tasks []task
				want := !remainder
				for i, k := 0, c; i < n; i, k = i+1, k/len(states) {
					s := states[k%len(states)]
					tasks = append(tasks, task{Task: i, State: s})
					want = want && s != "PENDING" && s != "RUNNING" && s != "COMPLETING"
				}
				if remainder {
					tasks = append(tasks, task{Task: -1, Range: "1-2", State: "PENDING"})
				}
				rng.Shuffle(len(tasks), func(i, j int) { tasks[i], tasks[j] = tasks[j], tasks[i] })
				require.Equal(t, want, done(tasks, n), "n=%d tasks=%v", n, tasks)
				if want && n > 1 { // a task's record missing: not done
					require.False(t, done(tasks[1:], n), "n=%d tasks=%v", n, tasks[1:])
				}
				checked++
			}
		}
	}
	assert.Equal(t, 2*(7+49+343), checked)
}

func TestReport(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "slurm-7_0.out"), []byte("hello from 0\n"), 0o644))
	big := strings.Repeat("x", maxOutput) + "THE END\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "slurm-7_1.out"), []byte(big), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "slurm-7_2.out"), nil, 0o644))
	tasks := []task{{Task: 0, State: "COMPLETED", ExitCode: "0:0"}, {Task: 1, State: "FAILED", ExitCode: "1:0"}}
	got := report(tasks, dir, "7", 4)
	assert.Contains(t, got, "--- task 0 (COMPLETED, exit code 0:0): "+filepath.Join(dir, "slurm-7_0.out")+"\nhello from 0\n")
	assert.Contains(t, got, "--- task 1 (FAILED, exit code 1:0): ")
	assert.Contains(t, got, "[...]"+strings.Repeat("x", maxOutput-8)+"THE END\n")
	assert.NotContains(t, got, strings.Repeat("x", maxOutput-7))
	assert.Contains(t, got, "--- task 2 (no record): "+filepath.Join(dir, "slurm-7_2.out")+"\n(empty)")
	assert.Contains(t, got, "--- task 3 (no record): "+filepath.Join(dir, "slurm-7_3.out")+"\n(no output: open ")
}

func TestRunArrayBadInput(t *testing.T) {
	ctx := context.Background()
	_, err := runArray(ctx, "job.sh", 0, nil, t.TempDir())
	require.EqualError(t, err, "an array needs at least 1 task, not 0")
	_, err = runArray(ctx, filepath.Join(t.TempDir(), "missing.sh"), 3, nil, t.TempDir())
	require.ErrorContains(t, err, "missing.sh: no such file or directory")
}

// script writes an executable shell script into dir.
func script(t *testing.T, dir, body string) string {
	t.Helper()
	p := filepath.Join(dir, "job.sh")
	require.NoError(t, os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755))
	return p
}

// TestArray runs a real 3-task array, each task writing its id and the
// array's size to its own file.
func TestArray(t *testing.T) {
	Require(t)
	dir, out := t.TempDir(), t.TempDir()
	job := script(t, dir, `echo "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT $GREETING" > "$OUT/task-$SLURM_ARRAY_TASK_ID"`+"\n")
	id := SubmitArray(t, job, 3, map[string]string{"OUT": out, "GREETING": "hello world"})
	require.NotEmpty(t, id)
	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	require.Equal(t, []string{"task-0", "task-1", "task-2"}, names)
	for i := 0; i < 3; i++ {
		data, err := os.ReadFile(filepath.Join(out, fmt.Sprintf("task-%d", i)))
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("%d/3 hello world\n", i), string(data))
	}
}

// TestArrayFailure: a failing task fails the array, and the error quotes
// its exit code and output.
func TestArrayFailure(t *testing.T) {
	Require(t)
	job := script(t, t.TempDir(), `echo "boom from task $SLURM_ARRAY_TASK_ID"; [ "$SLURM_ARRAY_TASK_ID" != 1 ] || exit 3`+"\n")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	id, err := runArray(ctx, job, 3, nil, t.TempDir())
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "job "+id+": task 1 (FAILED, exit code 3:0) failed")
	assert.Contains(t, msg, "--- task 1 (FAILED, exit code 3:0): ")
	assert.Contains(t, msg, "boom from task 1\n")
	assert.Contains(t, msg, "--- task 2 (COMPLETED, exit code 0:0): ")
	assert.Contains(t, msg, "boom from task 2\n")
}

// TestArrayTimeout: a job that outlives the timeout is cancelled and
// reported.
func TestArrayTimeout(t *testing.T) {
	Require(t)
	job := script(t, t.TempDir(), "echo started; sleep 300\n")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	id, err := runArray(ctx, job, 1, nil, t.TempDir())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "job "+id+": not done after ")
	assert.Contains(t, err.Error(), "(cancelled)")
	// scancel took effect: the task ends as CANCELLED.
	wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer wcancel()
	tasks, err := wait(wctx, id, 1)
	require.NoError(t, err)
	assert.Equal(t, "CANCELLED", tasks[0].State)
}

// TestSweepArrayScript submits examples/slurm/sweep-array.sh (the README's
// job-array script) with a stand-in for kiln that records its arguments,
// and checks each task sweeps its own shard into its own directory, with
// --resume only where a shard already has results.
func TestSweepArrayScript(t *testing.T) {
	Require(t)
	dir, out := t.TempDir(), t.TempDir()
	kiln := filepath.Join(dir, "kiln")
	require.NoError(t, os.WriteFile(kiln, []byte(`#!/bin/sh
all="$*"
while [ $# -gt 0 ] && [ "$1" != -o ]; do shift; done
mkdir -p "$2" && echo "$all" > "$2/args" && echo '{}' >> "$2/results.jsonl"
`), 0o755))
	env := map[string]string{"KILN": kiln, "MODEL": "cnn", "SPACE": "/spaces/cnn.yaml", "OUT": out}
	script, err := filepath.Abs("../../examples/slurm/sweep-array.sh")
	require.NoError(t, err)
	for round, resume := range []string{"", " --resume"} {
		SubmitArray(t, script, 3, env)
		for i := 0; i < 3; i++ {
			data, err := os.ReadFile(filepath.Join(out, fmt.Sprintf("shard-%d", i), "args"))
			require.NoError(t, err, "round %d", round)
			want := fmt.Sprintf("sweep cnn --space /spaces/cnn.yaml --shard %d/3 -j 1 -o %s/shard-%d%s\n", i, out, i, resume)
			assert.Equal(t, want, string(data), "round %d", round)
		}
	}
}
