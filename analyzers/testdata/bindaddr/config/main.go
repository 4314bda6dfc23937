// Command config takes its address from flags, the environment and
// configuration, with loopback defaults; its Dockerfile sets some of
// them.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/dashvet/dashvet/dash"
)

func app(ui *dash.UI) {}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func defaultAddr() string { return "localhost:8501" }

type Config struct{ Addr string }

var cfg = Config{Addr: "127.0.0.1:8501"}

var (
	listen = flag.String("listen", "localhost:8501", "address to serve on (the Dockerfile passes it)")
	admin  = flag.String("admin", "127.0.0.1:9000", "address of the admin server")
	host   string
)

func init() {
	flag.StringVar(&host, "host", "localhost", "host to bind")
}

func main() {
	flag.Parse()
	a := dash.NewApp().Page("/", "Home", app)
	h := a.Handler()

	go http.ListenAndServe(envOr("DASH_ADDR", "127.0.0.1:8501"), h) // want `^http.ListenAndServe\("127.0.0.1:8501", the default when DASH_ADDR is unset\): a server bound to a loopback address is unreachable from outside its container or host, and no container manifest sets DASH_ADDR; set it there, or default to "0.0.0.0"$`
	go http.ListenAndServe(envOr("ADDR_OK", "127.0.0.1:8501"), h)   // the Dockerfile sets ADDR_OK

	addr := os.Getenv("APP_ADDR")
	if addr == "" {
		addr = "localhost:8080"
	}
	go http.ListenAndServe(addr, h) // want `http.ListenAndServe\("localhost:8080", the default when APP_ADDR is unset\)`

	trimmed := strings.TrimSpace(os.Getenv("ADDR_OK"))
	if trimmed == "" {
		trimmed = "127.0.0.1:8501"
	}
	go http.ListenAndServe(trimmed, h) // the Dockerfile sets ADDR_OK

	_ = []dash.Option{
		dash.Address(defaultAddr()),                           // want `dash.Address\("localhost:8501"\): a server bound to a loopback address`
		dash.Address(cfg.Addr),                                // want `dash.Address\("127.0.0.1:8501"\)`
		dash.Address(*listen),                                 // the Dockerfile passes --listen
		dash.Address(*admin),                                  // want `dash.Address\("127.0.0.1:9000", the default of flag -admin\): .* no container manifest passes -admin`
		dash.Address(host),                                    // want `dash.Address\("localhost", the default of flag -host\)`
		dash.Address(fmt.Sprintf("127.0.0.1:%d", 8501)),       // want `dash.Address\("127.0.0.1:"\)`
		dash.Address(fmt.Sprintf("%s:%d", "localhost", 8501)), // want `dash.Address\("localhost"\)`
		dash.Address(fmt.Sprintf(":%d", 8501)),
		dash.Address(envOr("PORT_ONLY", ":8501")),
		dash.Address(deepAddr(make([]bool, 40))), // want `dash.Address\("127.0.0.1:"\)`
	}
}
