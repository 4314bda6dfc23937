package uncachedcall

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"dashapp/restapi"
	"github.com/dashvet/dashvet/dash"
)

// Whether a sink writes is decided by what it is given: the method of the
// request client.Do sends, the SQL text a query runs. When that comes
// from a parameter of a helper, each call of the helper decides with its
// own argument.

var api = restapi.New("http://orders.internal")

// sender is how a page keeps its HTTP client behind an interface.
type sender interface {
	Do(*http.Request) (*http.Response, error)
}

var hc sender = &http.Client{}

func verbs(ui *dash.UI) {
	ctx := ui.Context()

	post, _ := http.NewRequestWithContext(ctx, http.MethodPost, "https://hooks.example/x", strings.NewReader("{}"))
	http.DefaultClient.Do(post) // want `^verbs → \(\*http.Client\).Do: HTTP POST runs on every rerun; run it only behind a trigger \(a Button, or a form's SubmitButton\), not in a cache, which would skip it$`
	get, _ := http.NewRequest("GET", "https://api.example/rates", nil)
	http.DefaultClient.Do(get) // want `^verbs → \(\*http.Client\).Do: HTTP request runs on every rerun; move it into a loading function wrapped in dash.CacheData`
	hc.Do(post)                // want `verbs → \(\*http.Client\).Do: HTTP POST runs on every rerun; run it only behind a trigger`

	api.Orders(ctx)      // want `verbs → \(\*restapi.Client\).Orders → \(\*restapi.Client\).do → \(\*http.Client\).Do: HTTP request runs on every rerun; wrap \(\*restapi.Client\).Orders in dash.CacheData`
	api.Ack(ctx, "1")    // want `verbs → \(\*restapi.Client\).Ack → \(\*restapi.Client\).do → \(\*http.Client\).Do: HTTP PUT runs on every rerun; call \(\*restapi.Client\).Ack only behind a trigger`
	api.Cancel(ctx, "1") // want `HTTP DELETE runs on every rerun`
	api.Send(post)       // want `verbs → \(\*restapi.Client\).Send → \(\*http.Client\).Do: HTTP POST runs on every rerun`
	api.Send(get)        // want `verbs → \(\*restapi.Client\).Send → \(\*http.Client\).Do: HTTP request runs on every rerun`

	restapi.Run(ctx, db, "DELETE FROM carts WHERE stale")                   // want `verbs → restapi.Run → \(\*sql.DB\).QueryContext: database write runs on every rerun; call restapi.Run only behind a trigger`
	restapi.Run(ctx, db, "SELECT count(*) FROM carts")                      // want `verbs → restapi.Run → \(\*sql.DB\).QueryContext: database query runs on every rerun; wrap restapi.Run in dash.CacheData`
	db.QueryContext(ctx, fmt.Sprintf("UPDATE %s SET seen = true", "inbox")) // want `\(\*sql.DB\).QueryContext: database write runs on every rerun`

	call(ctx, "GET", "https://api.example/a")   // want `verbs → call → \(\*http.Client\).Do: HTTP request runs on every rerun`
	call(ctx, "PATCH", "https://api.example/a") // want `verbs → call → \(\*http.Client\).Do: HTTP PATCH runs on every rerun; call call only behind a trigger`

	// A go-redis key is no SQL: "delete:..." reads.
	rdb.Get(ctx, "delete:queue") // want `redis.cmdable.Get: database query runs on every rerun`

	// Decided by a widget: either, so not known to write.
	method := "GET"
	if ui.Checkbox("Dry run", false) {
		method = "POST"
	}
	call(ctx, method, "https://api.example/b") // want `verbs → call → \(\*http.Client\).Do: HTTP request runs on every rerun`

	if ui.Button("Acknowledge all") {
		api.Ack(ctx, "all") // a click: once per click
	}
}

func call(ctx context.Context, method, url string) {
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return
	}
	http.DefaultClient.Do(req)
}
