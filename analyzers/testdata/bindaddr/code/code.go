package code

import (
	"net"
	"net/http"

	"github.com/dashvet/dashvet/dash"
)

const host = "127.0.0.1"

func app(ui *dash.UI) {}

func options() []dash.Option {
	return []dash.Option{
		dash.Address("localhost"), // want `^dash.Address\("localhost"\): a server bound to a loopback address is unreachable from outside its container or host; bind "0.0.0.0"`
		dash.Address(host),        // want `dash.Address\("127.0.0.1"\)`
		dash.Address("::1"),       // want `dash.Address\("::1"\)`
		dash.Address("0.0.0.0"),
		dash.Address(""),
	}
}

func config() dash.Config {
	cfg := dash.Config{Server: dash.ServerConfig{Address: "127.0.0.1", Port: 8501}} // want `dash.ServerConfig.Address\("127.0.0.1"\)`
	cfg.Server.Address = host                                                       // want `dash.ServerConfig.Address`
	cfg.Server.Address = "0.0.0.0"
	return cfg
}

func serve(port string) error {
	a := dash.NewApp().Page("/", "Home", app)
	go http.ListenAndServe("127.0.0.1:6060", nil) // pprof on loopback, not the app: fine
	mux := http.NewServeMux()
	h := a.Handler()
	mux.Handle("/", h)
	go http.ListenAndServe("localhost:"+port, mux)                   // want `http.ListenAndServe\("localhost:"\)`
	go http.ListenAndServe(net.JoinHostPort("127.0.0.1", port), mux) // want `http.ListenAndServe\("127.0.0.1"\)`
	addr := "localhost:" + port                                      // kept in a variable assigned once
	go http.ListenAndServe(addr, mux)                                // want `http.ListenAndServe\("localhost:"\)`
	listen := "127.0.0.1:" + port
	if port == "" {
		listen = ":8501" // assigned again: loopback on the other path still
	}
	go http.ListenAndServe(listen, mux)                           // want `http.ListenAndServe\("127.0.0.1:"\)`
	srv := &http.Server{Addr: "[::1]:8080", Handler: a.Handler()} // want `http.Server.Addr\("\[::1\]:8080"\)`
	go srv.ListenAndServe()
	ok := &http.Server{Addr: ":8080", Handler: a.Handler()}
	go ok.ListenAndServe()
	l, err := net.Listen("tcp", "127.0.0.1:8501") // want `net.Listen\("127.0.0.1:8501"\)`
	if err != nil {
		return err
	}
	return http.Serve(l, a.Handler())
}

func pprofOnly() {
	net.Listen("tcp", "127.0.0.1:6060") // no dash handler in this function
}
