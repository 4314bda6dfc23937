package uncachedcall

import (
	"context"
	"net/http"
	"strings"

	"dashapp/store"
	"github.com/dashvet/dashvet/dash"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
)

// Writes on the rerun path are reported like queries, with other advice:
// a write belongs behind a trigger; a cache would skip it.

var writePool *pgxpool.Pool

const insertVisit = `
	-- one row per page view
	INSERT INTO visits (page) VALUES ($1) RETURNING id`

func writes(ui *dash.UI) {
	ctx := ui.Context()
	db.ExecContext(ctx, "UPDATE counters SET n = n + 1")                               // want `^writes → \(\*sql.DB\).ExecContext: database write runs on every rerun; run it only behind a trigger \(a Button, or a form's SubmitButton\), not in a cache, which would skip it$`
	db.QueryRowContext(ctx, "INSERT INTO t (a) VALUES (1) RETURNING id")               // want `\(\*sql.DB\).QueryRowContext: database write runs on every rerun; run it only behind a trigger`
	db.QueryRowContext(ctx, insertVisit, "home")                                       // want `\(\*sql.DB\).QueryRowContext: database write runs on every rerun`
	db.QueryRowContext(ctx, "/* hint */ select count(*) FROM t")                       // want `\(\*sql.DB\).QueryRowContext: database query runs on every rerun; move it into a loading function wrapped in dash.CacheData`
	db.QueryRowContext(ctx, "WITH x AS (SELECT 1) SELECT * FROM x")                    // want `database query runs on every rerun`
	writePool.Exec(ctx, "DELETE FROM sessions WHERE expired")                          // want `\(\*pgxpool.Pool\).Exec: database write runs on every rerun`
	writePool.CopyFrom(ctx, pgx.Identifier{"t"}, []string{"a"}, pgx.CopyFromRows(nil)) // want `\(\*pgxpool.Pool\).CopyFrom: database write runs on every rerun`
	rdb.Incr(ctx, "views")                                                             // want `redis.cmdable.Incr: database write runs on every rerun`
	rdb.Publish(ctx, "events", "viewed")                                               // want `redis.cmdable.Publish: database write runs on every rerun`
	rdb.Get(ctx, "views")                                                              // want `redis.cmdable.Get: database query runs on every rerun; move it into a loading function wrapped in dash.CacheData`
	http.Post("https://hooks.example/x", "text/plain", strings.NewReader(""))          // want `writes → http.Post: HTTP POST runs on every rerun; run it only behind a trigger`

	store.Audit(ctx, db, "viewed") // want `^writes → store.Audit → \(\*sql.DB\).ExecContext: database write runs on every rerun; call store.Audit only behind a trigger \(a Button, or a form's SubmitButton\), not in a cache, which would skip it$`
	recordView(ctx, "home")        // want `writes → recordView → store.Audit → \(\*sql.DB\).ExecContext: database write runs on every rerun; call recordView only behind a trigger`
	auditView{ui}.draw()           // want `writes → auditView.draw → \(\*sql.DB\).ExecContext: database write runs on every rerun; move the write in auditView.draw behind a trigger \(a Button, or a form's SubmitButton\); a cache would skip it$`

	if ui.Button("Save") {
		db.ExecContext(ctx, "UPDATE prefs SET saved = true") // a click: once per click
		store.Audit(ctx, db, "saved")
	}
}

func recordView(ctx context.Context, page string) { store.Audit(ctx, db, page) }

// auditView draws: putting it behind a button would hide the panel; the
// write is what moves.
type auditView struct{ ui *dash.UI }

func (v auditView) draw() {
	v.ui.Text("audit")
	db.ExecContext(v.ui.Context(), "INSERT INTO audit (event) VALUES ('panel')")
}

// A pipeline is one round trip: its Exec, or the Pipelined call, not each
// command it queues.
func pipelines(ui *dash.UI) {
	ctx := ui.Context()
	rdb.Pipelined(ctx, func(p redis.Pipeliner) error { // want `^pipelines → \(\*redis.Client\).Pipelined: database query runs on every rerun`
		p.Get(ctx, "views")
		p.Incr(ctx, "hits")
		return nil
	})
	pipe := rdb.Pipeline()
	pipe.Get(ctx, "views")
	pipe.Exec(ctx) // want `^pipelines → \(\*redis.Pipeline\).Exec: database query runs on every rerun`
}
