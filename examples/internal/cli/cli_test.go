package cli

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHealthURL(t *testing.T) {
	t.Chdir(t.TempDir()) // no dash.toml
	t.Setenv("DASH_SERVER_ADDRESS", "")
	t.Setenv("DASH_SERVER_PORT", "")
	tests := []struct {
		args []string
		want string
	}{
		{nil, "http://127.0.0.1:8501/healthz"},
		{[]string{"--server.address=0.0.0.0", "--server.port=9000"}, "http://127.0.0.1:9000/healthz"},
		{[]string{"--server.address", "::"}, "http://[::1]:8501/healthz"},
		{[]string{"--server.address=10.1.2.3", "--db", "x"}, "http://10.1.2.3:8501/healthz"},
	}
	for _, tt := range tests {
		got, err := HealthURL(tt.args)
		if err != nil || got != tt.want {
			t.Errorf("HealthURL(%q) = %q, %v; want %q", tt.args, got, err, tt.want)
		}
	}
	if _, err := HealthURL([]string{"--server.prot=1"}); err == nil {
		t.Error("HealthURL accepted an unknown dash flag")
	}
}

func TestProbe(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
		}
	}))
	defer ok.Close()
	ctx := context.Background()
	if err := Probe(ctx, ok.URL+"/healthz", time.Second); err != nil {
		t.Errorf("healthy server: %v", err)
	}
	if err := Probe(ctx, ok.URL+"/nope", time.Second); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: %v", err)
	}
	ok.Close()
	if err := Probe(ctx, ok.URL+"/healthz", time.Second); err == nil {
		t.Error("closed server reported healthy")
	}
}
