package dash

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

// The idle-session benchmark measures the server's memory in a child
// process (this test binary, re-executed), so that the clients' own
// sockets, buffers and goroutines do not count.
const (
	idleChildEnv = "DASH_BENCH_IDLE_CHILD" // the bench app the child serves
	// idleHeapEnv names a file where the child writes a heap profile at
	// every memory sample (the last one, with every session open, stays):
	// go tool pprof -sample_index=inuse_space that file.
	idleHeapEnv = "DASH_BENCH_IDLE_HEAPPROFILE"
	pathMemory  = "/_bench/memory"
)

// memorySample is what the child reports after a full GC.
type memorySample struct {
	HeapInuse  uint64 `json:"heapInuse"`
	StackInuse uint64 `json:"stackInuse"`
	Goroutines int    `json:"goroutines"`
	// RSS is the process's resident set after the GC and after freed
	// pages went back to the OS: what other runtimes' figures (Streamlit's)
	// compare with. 0 where /proc/self/status is not available.
	RSS uint64 `json:"rss"`
}

// BenchmarkIdleSession opens one session per iteration against a server in
// a child process and, after the loop, reports the server's memory per
// session (heap in use plus goroutine stacks, after a GC, less the same
// measured with one warm-up session open), the resident set per session
// (RSS, comparable with other runtimes) and its goroutines per session.
// ns/op is the time to open a session: dial, hello, first render. Run it
// with a fixed count, e.g. -benchtime=1000x, to measure 1,000 sessions.
func BenchmarkIdleSession(b *testing.B) {
	for _, app := range []string{"trivial", "100elements"} {
		b.Run("app="+app, func(b *testing.B) { benchIdle(b, app) })
	}
}

func benchIdle(b *testing.B, app string) {
	base := startIdleChild(b, app)
	ctx, cancel := context.WithTimeout(context.Background(), benchTimeout)
	defer cancel()
	url := "ws" + strings.TrimPrefix(base, "http") + pathWS
	var clients []*benchClient
	defer func() {
		for _, c := range clients {
			c.ws.CloseNow()
		}
	}()
	// The warm-up session pays for what the first session allocates once
	// (the page shell, pools, the HTTP server's own state).
	warm, err := dialBench(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	clients = append(clients, warm)
	before, err := sampleMemory(ctx, base)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		c, err := dialBench(ctx, url)
		if err != nil {
			b.Fatal(err)
		}
		clients = append(clients, c)
	}
	after, err := sampleMemory(ctx, base)
	if err != nil {
		b.Fatal(err)
	}
	n := float64(len(clients) - 1)
	mem := float64(after.HeapInuse+after.StackInuse) - float64(before.HeapInuse+before.StackInuse)
	b.ReportMetric(mem/n, "bytes/session")
	b.ReportMetric(float64(after.StackInuse-before.StackInuse)/n, "stack-bytes/session")
	b.ReportMetric(float64(after.Goroutines-before.Goroutines)/n, "goroutines/session")
	if after.RSS > 0 && before.RSS > 0 {
		b.ReportMetric((float64(after.RSS)-float64(before.RSS))/n, "rss-bytes/session")
	}
}

// startIdleChild starts the child server and returns its base URL. The
// child exits when its stdin closes, which the cleanup (or the death of
// this process) does.
func startIdleChild(b *testing.B, app string) string {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestIdleSessionServer$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), idleChildEnv+"="+app)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(benchTimeout):
			cmd.Process.Kill()
			<-done
		}
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				addr <- a
				break
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case a := <-addr:
		return "http://" + a
	case <-time.After(benchTimeout):
		b.Fatal("the child server never said where it listens")
		return ""
	}
}

func sampleMemory(ctx context.Context, base string) (memorySample, error) {
	var m memorySample
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+pathMemory, nil)
	if err != nil {
		return m, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return m, fmt.Errorf("sampling the child's memory: %w", err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		return m, fmt.Errorf("decoding the child's memory sample: %w", err)
	}
	return m, nil
}

// TestIdleSessionServer is the child process of BenchmarkIdleSession.
func TestIdleSessionServer(t *testing.T) {
	name := os.Getenv(idleChildEnv)
	if name == "" {
		t.Skip("helper process of BenchmarkIdleSession; runs only when the benchmark starts it")
	}
	var fn func(*UI)
	for _, a := range benchApps {
		if a.name == name {
			fn = a.fn
		}
	}
	if fn == nil {
		t.Fatalf("no bench app %q", name)
	}
	if os.Getenv(idleHeapEnv) != "" {
		runtime.MemProfileRate = 1 // every allocation, for a precise profile
	}
	// Every client is on loopback: no per-client limit.
	app := NewApp(Logger(quietLogger()), MaxSessions(0), MaxSessionsPerClient(0)).Page("/", "Home", fn)
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+pathMemory, serveMemory)
	mux.Handle("/", app.Handler())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: mux}
	go hs.Serve(ln)
	fmt.Printf("listening %s\n", ln.Addr())
	io.Copy(io.Discard, os.Stdin) // until the parent closes stdin
	hs.Close()
}

// serveMemory reports the heap and stacks in use after a full GC.
func serveMemory(w http.ResponseWriter, r *http.Request) {
	runtime.GC()
	runtime.GC() // the first GC's finalizers may free more
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if path := os.Getenv(idleHeapEnv); path != "" {
		if err := writeHeapProfile(path); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(memorySample{HeapInuse: ms.HeapInuse, StackInuse: ms.StackInuse,
		Goroutines: runtime.NumGoroutine(), RSS: residentBytes()})
}

// residentBytes reads VmRSS from /proc/self/status; 0 if unavailable.
func residentBytes() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb uint64
			fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb)
			return kb << 10
		}
	}
	return 0
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("heap profile: %w", err)
	}
	return f.Close()
}
