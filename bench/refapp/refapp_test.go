package refapp

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/dashvet/dashvet/dash"
)

// The server always runs in a child process (this test binary, run again
// with childEnv set): its memory is then the server's alone, not the
// clients', and every cold measurement starts from a fresh process, with
// nothing drawn or cached yet.
const (
	childEnv = "REFAPP_BENCH_CHILD"
	// heapEnv names a file where the child writes a heap profile at every
	// memory sample (the last one stays): go tool pprof
	// -sample_index=inuse_space that file.
	heapEnv    = "REFAPP_BENCH_HEAPPROFILE"
	pathMemory = "/_bench/memory"
	timeout    = 2 * time.Minute
)

// TestRefAppTestServer is the child process; it does nothing in a normal
// test run.
func TestRefAppServer(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("helper process of the refapp benchmarks; runs only when they start it")
	}
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "sales.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if os.Getenv(heapEnv) != "" {
		runtime.MemProfileRate = 1 // every allocation, for a precise profile
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// Every client is on loopback: no per-client limit.
	app := dash.NewApp(dash.Logger(quiet), dash.MaxSessions(0), dash.MaxSessionsPerClient(0)).
		Page("/", "Sales", Page(db))
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

type memorySample struct {
	RSS   uint64 `json:"rss"`   // resident set after a GC that gave freed pages back
	Heap  uint64 `json:"heap"`  // heap in use plus goroutine stacks
	Stack uint64 `json:"stack"` // goroutine stacks alone
	// Goroutines counts the server's goroutines.
	Goroutines int `json:"goroutines"`
}

func serveMemory(w http.ResponseWriter, r *http.Request) {
	runtime.GC()
	runtime.GC() // the first GC's cleanups may free more
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if path := os.Getenv(heapEnv); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.WriteHeapProfile(f)
			f.Close()
		}
		if err != nil {
			http.Error(w, fmt.Sprintf("heap profile: %v", err), http.StatusInternalServerError)
			return
		}
	}
	json.NewEncoder(w).Encode(memorySample{RSS: residentBytes(), Heap: ms.HeapInuse + ms.StackInuse, Stack: ms.StackInuse,
		Goroutines: runtime.NumGoroutine()})
}

// residentBytes reads VmRSS from /proc/self/status; 0 if unavailable.
func residentBytes() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb uint64
			fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb)
			return kb << 10
		}
	}
	return 0
}

// startChild starts a fresh server and returns its base URL and a function
// that stops it.
func startChild(b *testing.B) (string, func()) {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRefAppServer$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1")
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
	stop := func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(timeout):
			cmd.Process.Kill()
			<-done
		}
	}
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
		return "http://" + a, stop
	case <-time.After(timeout):
		stop()
		b.Fatal("the child server never said where it listens")
		return "", nil
	}
}

func sample(ctx context.Context, base string) (memorySample, error) {
	var m memorySample
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+pathMemory, nil)
	if err != nil {
		return m, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return m, fmt.Errorf("sampling the server's memory: %w", err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		return m, fmt.Errorf("decoding the memory sample: %w", err)
	}
	return m, nil
}

// client is a session: it says hello and reads renders, as a browser tab
// does, keeping nothing but the slider's id.
type client struct {
	ws     *websocket.Conn
	slider string
}

type render struct {
	Type    string `json:"type"`
	Running bool   `json:"running"`
	Error   string `json:"error"`
	Main    []struct {
		ID   string `json:"id"`
		Kind string `json:"kind"`
	} `json:"main"`
}

// connect opens a session and returns once its first run's final render
// arrived.
func connect(ctx context.Context, base string) (*client, error) {
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/_dash/ws", nil)
	if err != nil {
		return nil, fmt.Errorf("dialing: %w", err)
	}
	ws.SetReadLimit(64 << 20)
	c := &client{ws: ws}
	if err := ws.Write(ctx, websocket.MessageText, []byte(`{"type":"hello","page":"/"}`)); err != nil {
		ws.CloseNow()
		return nil, fmt.Errorf("hello: %w", err)
	}
	if err := c.waitFinal(ctx); err != nil {
		ws.CloseNow()
		return nil, err
	}
	return c, nil
}

// waitFinal reads until the final render of a run.
func (c *client) waitFinal(ctx context.Context) error {
	for {
		_, data, err := c.ws.Read(ctx)
		if err != nil {
			return fmt.Errorf("reading: %w", err)
		}
		var m render
		if err := json.Unmarshal(data, &m); err != nil {
			return fmt.Errorf("decoding a message: %w", err)
		}
		switch {
		case m.Type == "error":
			return fmt.Errorf("server error: %s", m.Error)
		case m.Type != "render" || m.Running:
			continue
		}
		for _, n := range m.Main {
			if n.Kind == "slider" {
				c.slider = n.ID
			}
		}
		return nil
	}
}

// setDays moves the slider and waits for the rerun's final render.
func (c *client) setDays(ctx context.Context, days int) error {
	msg := fmt.Appendf(nil, `{"type":"set","id":%q,"value":%d}`, c.slider, days)
	if err := c.ws.Write(ctx, websocket.MessageText, msg); err != nil {
		return fmt.Errorf("set: %w", err)
	}
	return c.waitFinal(ctx)
}

// BenchmarkIdleSession opens one session per iteration against a fresh
// server and reports the server's resident set per session (RSS after a GC
// that returned freed pages, with all sessions open, less the same with one
// warm-up session), and heap plus stacks per session for reference. Run it
// with a fixed count: -benchtime=1000x measures 1,000 sessions.
func BenchmarkIdleSession(b *testing.B) {
	base, stop := startChild(b)
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var clients []*client
	defer func() {
		for _, c := range clients {
			c.ws.CloseNow()
		}
	}()
	warm, err := connect(ctx, base)
	if err != nil {
		b.Fatal(err)
	}
	clients = append(clients, warm)
	before, err := sample(ctx, base)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		c, err := connect(ctx, base)
		if err != nil {
			b.Fatal(err)
		}
		clients = append(clients, c)
	}
	after, err := sample(ctx, base)
	if err != nil {
		b.Fatal(err)
	}
	n := float64(len(clients) - 1)
	b.ReportMetric((float64(after.RSS)-float64(before.RSS))/n, "rss-bytes/session")
	b.ReportMetric((float64(after.Heap)-float64(before.Heap))/n, "heap-bytes/session")
	b.ReportMetric((float64(after.Stack)-float64(before.Stack))/n, "stack-bytes/session")
	b.ReportMetric(float64(after.Goroutines-before.Goroutines)/n, "goroutines/session")
}

// coldSessions is the concurrency of the cold and warm phases.
const coldSessions = 50

// BenchmarkFiftySessions starts a fresh server per iteration, opens 50
// sessions at once and measures each one's first run (hello to final
// render: the cold tail, where every session misses the same query and the
// same chart), then has the 50 move their slider 10 times each, all at
// once (the warm round trips). It reports p50 and p99 of both over all
// iterations; ns/op is meaningless.
func BenchmarkFiftySessions(b *testing.B) {
	var cold, warm []time.Duration
	for b.Loop() {
		c, w := fiftySessions(b)
		cold, warm = append(cold, c...), append(warm, w...)
	}
	for _, m := range []struct {
		name string
		d    []time.Duration
	}{{"cold", cold}, {"warm", warm}} {
		slices.Sort(m.d)
		b.ReportMetric(ms(m.d[len(m.d)/2]), m.name+"-p50-ms")
		b.ReportMetric(ms(m.d[(len(m.d)*99)/100]), m.name+"-p99-ms")
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func fiftySessions(b *testing.B) (cold, warm []time.Duration) {
	b.StopTimer()
	base, stop := startChild(b)
	defer stop()
	b.StartTimer()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	clients := make([]*client, coldSessions)
	cold = make([]time.Duration, coldSessions)
	errs := make([]error, coldSessions)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range coldSessions {
		wg.Go(func() {
			<-start
			t0 := time.Now()
			clients[i], errs[i] = connect(ctx, base)
			cold[i] = time.Since(t0)
		})
	}
	close(start)
	wg.Wait()
	defer func() {
		for _, c := range clients {
			if c != nil {
				c.ws.CloseNow()
			}
		}
	}()
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	const moves = 10
	warm = make([]time.Duration, coldSessions*moves)
	for i, c := range clients {
		wg.Go(func() {
			for j := range moves {
				t0 := time.Now()
				if err := c.setDays(ctx, 90+30*(j%3)); err != nil {
					errs[i] = err
					return
				}
				warm[i*moves+j] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	return cold, warm
}
