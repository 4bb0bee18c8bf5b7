//go:build linux

package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The test binary plays two parts: with roleEnv set and a command of the
// app as its first argument it is a stand-in for the app (setup commands
// succeed; `app` says where it listens and its pid, then waits for a
// signal, or quits by itself with -quit-after); otherwise it runs this
// program's main.
const roleEnv = "DEMO_TEST_ROLE"

func TestMain(m *testing.M) {
	if os.Getenv(roleEnv) == "" {
		os.Exit(m.Run())
	}
	if len(os.Args) > 1 && !strings.HasPrefix(os.Args[1], "-") {
		os.Exit(standInApp(os.Args[1:]))
	}
	main()
}

func standInApp(args []string) int {
	if args[0] != "app" {
		io.Copy(io.Discard, os.Stdin)
		return 0
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	fmt.Printf("app pid %d\nlistening on http://127.0.0.1:9\n", os.Getpid())
	if os.Getenv("STAND_IN_QUITS") != "" {
		return 0
	}
	<-sig
	return 0
}

// demoProcess is the demo started with the stand-in app, in a process
// group of its own as a terminal's job is.
type demoProcess struct {
	cmd    *exec.Cmd
	appPID int
	exited chan error
}

func startDemo(t *testing.T, env ...string) *demoProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-app", os.Args[0], "-live=false")
	// Under the race detector each process would otherwise wait a second
	// before it exits.
	cmd.Env = append(os.Environ(), roleEnv+"=1", "TMPDIR="+t.TempDir(), "GORACE=atexit_sleep_ms=0")
	cmd.Env = append(cmd.Env, env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := &demoProcess{cmd: cmd, exited: make(chan error, 1)}
	pid := make(chan int, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if n, ok := strings.CutPrefix(sc.Text(), "app pid "); ok {
				p, _ := strconv.Atoi(n)
				pid <- p
			}
		}
		d.exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		if t.Failed() {
			t.Logf("demo's stderr:\n%s", stderr.String())
		}
	})
	select {
	case d.appPID = <-pid:
	case err := <-d.exited:
		t.Fatalf("the demo exited (%v) before starting the app:\n%s", err, stderr.String())
	case <-time.After(time.Minute):
		t.Fatalf("the demo did not start the app within a minute:\n%s", stderr.String())
	}
	return d
}

func (d *demoProcess) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-d.exited:
		return err
	case <-time.After(time.Minute):
		t.Fatal("the demo still runs a minute later")
		return nil
	}
}

// gone waits until pid has ended (a zombie waiting for its reaper counts
// as ended).
func gone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return
		}
		if f := strings.Fields(string(b)); len(f) > 2 && f[2] == "Z" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the app (pid %d) still runs a minute after the demo ended", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Nothing is left running, whichever way the demo ends.
func TestDemoLeavesNothingRunning(t *testing.T) {
	for name, end := range map[string]func(d *demoProcess){
		// Ctrl-C in a terminal: SIGINT to the whole job.
		"Ctrl-C": func(d *demoProcess) { syscall.Kill(-d.cmd.Process.Pid, syscall.SIGINT) },
		// kill, or the session ending: SIGTERM to the demo alone.
		"SIGTERM": func(d *demoProcess) { d.cmd.Process.Signal(syscall.SIGTERM) },
		// The demo dies without a chance to stop the app.
		"SIGKILL": func(d *demoProcess) { d.cmd.Process.Kill() },
	} {
		t.Run(name, func(t *testing.T) {
			d := startDemo(t)
			end(d)
			err := d.wait(t)
			if name != "SIGKILL" && err != nil {
				t.Errorf("the demo exited with %v, want success", err)
			}
			gone(t, d.appPID)
		})
	}
}

// Quitting the app ends the demo, which removes its data directory.
func TestDemoEndsWithTheApp(t *testing.T) {
	tmp := t.TempDir()
	d := startDemo(t, "STAND_IN_QUITS=1", "TMPDIR="+tmp)
	if err := d.wait(t); err != nil {
		t.Fatalf("the demo exited with %v after the app quit, want success", err)
	}
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("the demo left %v in its temporary directory", left)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
