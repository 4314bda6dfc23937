// Package redistest gives tests a real Redis: the shared one named by
// DASH_TEST_REDIS_URL (scripts/redis-start, which .ci/run starts), or a
// private redis-server a test can kill and restart.
package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Env names the variable holding the URL of the shared test server.
const Env = "DASH_TEST_REDIS_URL"

const skipHint = "apt-get install redis-server, or set " + Env + " (scripts/redis-start prints one)"

// URL returns the shared test server's URL, or skips the test.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(Env)
	if u == "" {
		t.Skip("needs Redis: " + Env + " is not set; " + skipHint)
	}
	return u
}

// Client returns a plain client of url for a test to look into Redis.
func Client(t testing.TB, url string) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("redis URL %q: %v", url, err)
	}
	c := redis.NewClient(opts)
	t.Cleanup(func() { c.Close() })
	return c
}

// Server is a private redis-server on loopback.
type Server struct {
	t    testing.TB
	port int
	args []string
	cmd  *exec.Cmd
	// Password is the server's requirepass, "" for none; URL includes it.
	Password string
}

// Start runs a private redis-server on a free loopback port, or skips the
// test when redis-server is not installed. It is stopped when the test
// ends.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, "")
}

// StartWithPassword is Start for a server that requires a password
// (requirepass): clients authenticate through the URL.
func StartWithPassword(t testing.TB, password string) *Server {
	t.Helper()
	return start(t, password)
}

func start(t testing.TB, password string) *Server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("needs redis-server to start and kill a private one; " + skipHint)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &Server{t: t, port: port, Password: password}
	if password != "" {
		s.args = []string{"--requirepass", password}
	}
	s.Restart()
	t.Cleanup(s.Kill)
	return s
}

// URL is the server's URL.
func (s *Server) URL() string {
	if s.Password != "" {
		return fmt.Sprintf("redis://:%s@127.0.0.1:%d/0", s.Password, s.port)
	}
	return fmt.Sprintf("redis://127.0.0.1:%d/0", s.port)
}

// Kill stops the server at once, as a crash would.
func (s *Server) Kill() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.cmd = nil
}

// Restart starts the server again on the same port, empty, and waits
// until it answers.
func (s *Server) Restart() {
	s.t.Helper()
	args := append([]string{"--bind", "127.0.0.1", "--port", strconv.Itoa(s.port),
		"--save", "", "--appendonly", "no", "--dir", s.t.TempDir()}, s.args...)
	s.cmd = exec.Command("redis-server", args...)
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("starting redis-server: %v", err)
	}
	c := Client(s.t, s.URL())
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("redis-server on port %d does not answer: %v", s.port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
