// Command replicas measures dash replicas with and without the shared
// cache tier: the seed's scenario (users moving a select box and a slider,
// each move a rerun reading a cached "query") against one process, then
// against 3 replicas behind a round-robin proxy on loopback, caching alone
// and sharing through Redis. It prints, per setup, the database queries,
// rerun latency, failed reruns and dropped users.
//
// The database is an HTTP endpoint served here that answers after -db-delay
// and counts queries. The replicas are the binary built from
// bench/replicas/app; users are bench/loadgen. Everything listens on
// loopback. bench/replicas.sh builds both and starts Redis.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"sync/atomic"
	"time"
)

type loadResult struct {
	Users         int     `json:"users"`
	Interactions  int     `json:"interactions"`
	FailedReruns  int     `json:"failed_reruns"`
	ConnectErrors int     `json:"connect_errors"`
	DroppedUsers  int     `json:"dropped_users"`
	P50ms         float64 `json:"rerun_p50_ms"`
	P99ms         float64 `json:"rerun_p99_ms"`
}

func main() {
	appBin := flag.String("app", "", "replica binary (bench/replicas/app)")
	loadgen := flag.String("loadgen", "", "loadgen binary (bench/loadgen)")
	redisURL := flag.String("redis", "", "Redis for the shared setup")
	users := flag.Int("users", 50, "concurrent users")
	moves := flag.Int("moves", 40, "moves per user")
	delay := flag.Duration("db-delay", 20*time.Millisecond, "how long one query takes")
	flag.Parse()
	if *appBin == "" || *loadgen == "" || *redisURL == "" {
		log.Fatal("usage: replicas -app BIN -loadgen BIN -redis URL [-users N -moves N -db-delay D]")
	}

	var queries atomic.Int64
	db := listen()
	go http.Serve(db, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		queries.Add(1)
		time.Sleep(*delay)
		fmt.Fprint(w, len(r.URL.RawQuery)*100)
	}))
	dbURL := "http://" + db.Addr().String() + "/query"

	fmt.Printf("%-28s %6s %8s %8s %8s %8s %8s\n", "setup", "users", "queries", "p50 ms", "p99 ms", "failed", "dropped")
	// The outage setup uses a private Redis that it kills half a second
	// into the load (about 2 s at the defaults) and starts again, empty,
	// 0.7 s later.
	private := startRedis()
	defer private.kill()
	outage := func() {
		time.Sleep(500 * time.Millisecond)
		private.kill()
		time.Sleep(700 * time.Millisecond)
		private.start()
	}
	for _, setup := range []struct {
		name     string
		replicas int
		redis    string
		during   func()
	}{
		{"1 process", 1, "", nil},
		{"3 replicas, local caches", 3, "", nil},
		{"3 replicas, shared (Redis)", 3, *redisURL, nil},
		{"3 replicas, shared, outage", 3, private.url(), outage},
	} {
		queries.Store(0)
		if setup.redis != "" {
			flushCache(setup.redis)
		}
		r := runSetup(*appBin, *loadgen, dbURL, setup.replicas, setup.redis, *users, *moves, setup.during)
		fmt.Printf("%-28s %6d %8d %8.1f %8.1f %8d %8d\n", setup.name, r.Users, queries.Load(),
			r.P50ms, r.P99ms, r.FailedReruns, r.DroppedUsers+r.ConnectErrors)
	}
}

func listen() net.Listener {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	return l
}

// flushCache deletes the bench cache's keys left by an earlier run, so
// every run starts cold.
func flushCache(redisURL string) {
	u, err := url.Parse(redisURL)
	if err != nil {
		log.Fatal(err)
	}
	cmd := exec.Command("redis-cli", "-h", u.Hostname(), "-p", u.Port(), "--scan", "--pattern", "dash:c:bench-revenue:*")
	out, err := cmd.Output()
	if err != nil {
		log.Fatalf("redis-cli --scan: %v", err)
	}
	for _, k := range splitLines(string(out)) {
		exec.Command("redis-cli", "-h", u.Hostname(), "-p", u.Port(), "DEL", k).Run()
	}
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == '\n' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}

func runSetup(appBin, loadgen, dbURL string, n int, redisURL string, users, moves int, during func()) loadResult {
	var backends []*url.URL
	var procs []*exec.Cmd
	defer func() {
		for _, p := range procs {
			p.Process.Kill()
			p.Wait()
		}
	}()
	for range n {
		l := listen()
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		cmd := exec.Command(appBin, "--server.port="+strconv.Itoa(port), "--db-url", dbURL)
		cmd.Env = append(os.Environ(), "DASH_CACHE_REDIS_URL="+redisURL)
		cmd.Stderr = nil
		if err := cmd.Start(); err != nil {
			log.Fatal(err)
		}
		procs = append(procs, cmd)
		u, _ := url.Parse("http://127.0.0.1:" + strconv.Itoa(port))
		backends = append(backends, u)
		waitHealthy(u.String())
	}
	// Round robin per request: a user's page load, WebSocket and
	// reconnects each go to the next replica.
	var next atomic.Uint64
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		b := backends[next.Add(1)%uint64(len(backends))]
		r.SetURL(b)
		r.Out.Host = r.In.Host // the replicas check Host and Origin
	}}
	pl := listen()
	ps := &http.Server{Handler: proxy}
	go ps.Serve(pl)
	defer ps.Shutdown(context.Background())

	if during != nil {
		go during()
	}
	out, err := exec.Command(loadgen, "-url", "http://"+pl.Addr().String(), "-users", strconv.Itoa(users),
		"-moves", strconv.Itoa(moves), "-think", "50ms").Output()
	if err != nil {
		log.Fatalf("loadgen: %v", err)
	}
	var r loadResult
	if err := json.Unmarshal(out, &r); err != nil {
		log.Fatalf("loadgen output: %v\n%s", err, out)
	}
	return r
}

func waitHealthy(base string) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	log.Fatalf("%s never became healthy", base)
}

// redisServer is a private redis-server for the outage setup.
type redisServer struct {
	port int
	cmd  *exec.Cmd
}

func startRedis() *redisServer {
	l := listen()
	r := &redisServer{port: l.Addr().(*net.TCPAddr).Port}
	l.Close()
	r.start()
	return r
}

func (r *redisServer) url() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

func (r *redisServer) start() {
	r.cmd = exec.Command("redis-server", "--bind", "127.0.0.1", "--port", strconv.Itoa(r.port), "--save", "", "--appendonly", "no")
	if err := r.cmd.Start(); err != nil {
		log.Fatalf("redis-server: %v", err)
	}
	for range 100 {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", r.port)); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	log.Fatal("the private redis-server does not answer")
}

func (r *redisServer) kill() {
	if r.cmd != nil {
		r.cmd.Process.Kill()
		r.cmd.Wait()
		r.cmd = nil
	}
}
