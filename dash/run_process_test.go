package dash

import (
	"bufio"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"syscall"
	"testing"
	"time"
)

// TestRunServesAndShutsDownOnSIGTERM runs dash.Run in a child process (this
// test binary, re-executed), reads the URL it logs, checks it serves, sends
// SIGTERM and expects a clean exit.
func TestRunServesAndShutsDownOnSIGTERM(t *testing.T) {
	if os.Getenv("DASH_TEST_RUN_CHILD") == "1" {
		log := slog.New(slog.NewTextHandler(os.Stderr, nil))
		if err := Run(func(ui *UI) { ui.Text("hi") }, Logger(log)); err != nil {
			log.Error("run failed", "err", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if testing.Short() {
		t.Skip("starts a child process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunServesAndShutsDownOnSIGTERM$")
	cmd.Env = append(os.Environ(), "DASH_TEST_RUN_CHILD=1", "DASH_SERVER_PORT=0")
	cmd.Dir = t.TempDir() // no dash.toml there
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`listen=(127\.0\.0\.1:\d+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				urls <- "http://" + m[1]
				break
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	var base string
	select {
	case base = <-urls:
	case <-time.After(testTimeout):
		t.Fatal("the child never logged its listen address")
	}
	t.Logf("child serves %s", base)
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz = %d", resp.StatusCode)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the child did not exit cleanly after SIGTERM: %v", err)
		}
	case <-time.After(testTimeout):
		t.Fatal("the child did not exit after SIGTERM")
	}
}
