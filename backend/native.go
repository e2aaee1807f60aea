package backend

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

//go:embed driver/driver.c
var driverC string

// source is one file of an emitted program.
type source struct {
	name, text string
}

// toolchain builds an emitted program with the driver into an executable.
type toolchain struct {
	backend string
	// emit returns the program's files (those ending in .c or .ll are
	// compiled, the others only written) and the top function's name.
	emit func(p *loop.Program) (srcs []source, top string, err error)
	// compilers are tried in order: the first found on PATH builds.
	compilers []compiler
}

// compiler is a command and the flags it is given before the sources.
type compiler struct {
	name  string
	flags []string
}

// find returns the first compiler on PATH.
func (tc toolchain) find() (compiler, string, error) {
	var names []string
	for _, c := range tc.compilers {
		if path, err := exec.LookPath(c.name); err == nil {
			return c, path, nil
		}
		names = append(names, c.name)
	}
	return compiler{}, "", fmt.Errorf("backend %s: %s: %w on PATH (install %s)", tc.backend, strings.Join(names, " or "), ErrToolMissing, names[0])
}

// run emits p, builds it with the driver in a temporary folder (removed
// after), runs it on args and reads the outputs back into args.
func (tc toolchain) run(p *loop.Program, args []*dtype.Array, opt Options) error {
	cc, ccPath, err := tc.find()
	if err != nil {
		return err
	}
	srcs, top, err := tc.emit(p)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "kiln-"+tc.backend+"-")
	if err != nil {
		return fmt.Errorf("backend %s: %w", tc.backend, err)
	}
	defer os.RemoveAll(dir)
	srcs = append(srcs, source{"kiln_top.h", topHeader(p, top)}, source{"driver.c", driverC})
	cmd := append([]string{}, cc.flags...)
	cmd = append(cmd, "-o", "prog")
	for _, s := range srcs {
		if err := os.WriteFile(filepath.Join(dir, s.name), []byte(s.text), 0o644); err != nil {
			return fmt.Errorf("backend %s: %w", tc.backend, err)
		}
		if strings.HasSuffix(s.name, ".c") || strings.HasSuffix(s.name, ".ll") {
			cmd = append(cmd, s.name)
		}
	}
	cmd = append(cmd, "-lm")
	if err := command(context.Background(), dir, cc.name, ccPath, cmd); err != nil {
		return fmt.Errorf("backend %s: building %s: %w", tc.backend, p.Name, err)
	}
	return runBuilt(dir, tc.backend, p, args, opt)
}

// runBuilt writes the inputs, runs dir/prog and reads the outputs.
func runBuilt(dir, backend string, p *loop.Program, args []*dtype.Array, opt Options) error {
	var argv []string
	for i, a := range args {
		name := fmt.Sprintf("param%d.bin", i)
		w, _ := elemBytes(a.Kind)
		argv = append(argv, name, strconv.Itoa(w*a.Len()))
		if p.Buffers[p.Params[i]].Role != loop.Input {
			continue
		}
		b, err := encode(a)
		if err != nil {
			return fmt.Errorf("backend %s: input %d: %w", backend, i, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return fmt.Errorf("backend %s: %w", backend, err)
		}
	}
	timeout := opt.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := command(ctx, dir, p.Name, "./prog", argv); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("backend %s: running %s: no result after %v", backend, p.Name, timeout)
		}
		return fmt.Errorf("backend %s: running %s: %w", backend, p.Name, err)
	}
	for i, a := range args {
		b := p.Buffers[p.Params[i]]
		if b.Role != loop.Output {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, argv[2*i]))
		if err == nil {
			err = decode(a, data)
		}
		if err != nil {
			return fmt.Errorf("backend %s: output %s: %w", backend, b.Name, err)
		}
	}
	return nil
}

// maxStderr is how much of a failing tool's stderr an error shows (the
// end, where compilers put the summary).
const maxStderr = 4000

// command runs path (called name in errors) in dir; a failure shows the
// tool's stderr.
func command(ctx context.Context, dir, name, path string, args []string) error {
	c := exec.CommandContext(ctx, path, args...)
	c.Dir = dir
	c.WaitDelay = time.Second // a killed tool's children may hold its pipes
	var stderr bytes.Buffer
	c.Stderr = &stderr
	c.Stdout = &stderr
	err := c.Run()
	if err == nil {
		return nil
	}
	msg := strings.TrimSpace(stderr.String())
	if len(msg) > maxStderr {
		msg = "…" + msg[len(msg)-maxStderr:]
	}
	var exitErr *exec.ExitError
	if msg == "" || !errors.As(err, &exitErr) {
		return fmt.Errorf("%s: %w", name, err)
	}
	return fmt.Errorf("%s: %w:\n%s", name, err, msg)
}

// topHeader tells the driver the top's name and parameters: the one part
// of the build that depends on the program (the parameter count, never
// values or sizes). The driver declares every parameter void *, which
// passes the same pointers as the emitted prototype.
func topHeader(p *loop.Program, top string) string {
	var sb strings.Builder
	nin := 0
	for _, id := range p.Params {
		if p.Buffers[id].Role == loop.Input {
			nin++
		}
	}
	ptrs := make([]string, len(p.Params))
	call := make([]string, len(p.Params))
	for i := range p.Params {
		ptrs[i] = "void *"
		call[i] = fmt.Sprintf("(p)[%d]", i)
	}
	if len(ptrs) == 0 {
		ptrs = []string{"void"}
	}
	fmt.Fprintf(&sb, "/* generated by kiln for the driver: the top function %s. */\n", top)
	fmt.Fprintf(&sb, "#define KILN_NINPUTS %d\n#define KILN_NPARAMS %d\n", nin, len(p.Params))
	fmt.Fprintf(&sb, "void %s(%s);\n", top, strings.Join(ptrs, ", "))
	fmt.Fprintf(&sb, "#define KILN_CALL(p) %s(%s)\n", top, strings.Join(call, ", "))
	return sb.String()
}
