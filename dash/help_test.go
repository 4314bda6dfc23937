package dash

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestHelpRequested(t *testing.T) {
	for args, want := range map[string]bool{
		"--help": true, "-h": true, "-help": true, "--db x.db --help": true,
		"": false, "--server.port 1": false, "-- --help": false, "--helpful": false,
	} {
		if got := helpRequested(strings.Fields(args)); got != want {
			t.Errorf("helpRequested(%q) = %v, want %v", args, got, want)
		}
	}
}

// TestRunHelpPrintsSettingsAndExitsZero runs dash.Run with --help in a
// child process: it prints every setting and exits 0 without serving.
func TestRunHelpPrintsSettingsAndExitsZero(t *testing.T) {
	if os.Getenv("DASH_TEST_HELP_CHILD") == "1" {
		os.Args = []string{"/bin/sales", "--help"}
		if err := Run(func(ui *UI) {}); err != nil {
			os.Exit(3)
		}
		os.Exit(0)
	}
	if testing.Short() {
		t.Skip("starts a child process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunHelpPrintsSettingsAndExitsZero$")
	cmd.Env = append(os.Environ(), "DASH_TEST_HELP_CHILD=1", "DASH_SERVER_PORT=1") // a port it must not try
	cmd.Dir = t.TempDir()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	text := string(out)
	if !strings.HasPrefix(text, "Usage of sales:") {
		t.Errorf("help does not start with the usage line:\n%s", text)
	}
	for _, s := range settings {
		if !strings.Contains(text, "--"+s.name) {
			t.Errorf("help lacks --%s", s.name)
		}
	}
}
