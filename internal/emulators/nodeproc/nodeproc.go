// Package nodeproc runs the emulators that are Node tools (installed from infra/package.json)
// as child processes on a free loopback port. It imports nothing of the project, so any
// package's tests can use it.
package nodeproc

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ErrNotInstalled means infra/node_modules lacks the tool: make dev, make test and make
// bench install it (npm ci in infra/).
var ErrNotInstalled = errors.New("not installed: run make dev, make test or make bench (they run npm ci in infra/)")

// Find locates a tool installed by infra/package.json, from any directory of the repository.
func Find(name string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "infra", "node_modules", ".bin", name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return "", fmt.Errorf("%s: %w", name, ErrNotInstalled)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%s: %w", name, ErrNotInstalled)
		}
		dir = parent
	}
}

// Process is a running tool.
type Process struct {
	// URL is http://127.0.0.1:<port>.
	URL string
	cmd *exec.Cmd
}

// Start runs the tool with args, in which {port} stands for the free port it gets, and waits
// until the port accepts connections.
func Start(name string, args ...string) (*Process, error) {
	bin, err := Find(name)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(addr)
	for i, a := range args {
		args[i] = strings.ReplaceAll(a, "{port}", port)
	}
	cmd := exec.Command("node", append([]string{bin}, args...)...)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &Process{URL: "http://" + addr, cmd: cmd}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return p, nil
		}
		if time.Now().After(deadline) {
			p.Close()
			return nil, fmt.Errorf("%s did not start", name)
		}
	}
}

// Close stops the tool.
func (p *Process) Close() {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	}
}
