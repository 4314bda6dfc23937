package dash

import "github.com/dashvet/dashvet/dash/internal/blobs"

// Every session keeps its last frame (to diff the next run against and to
// resend it on a reconnect), so without sharing each idle session of a
// chart-and-table page held its own copy of the chart's SVG and the
// table's rows: 60–110 KiB a session. Props of at least minSharedPart
// bytes are interned instead: one copy in the process for every session
// that shows them, the sessions holding handles.
const (
	// minSharedPart: smaller props (a title, a metric, a widget) cost
	// less to keep per session than to hash and look up on every run.
	minSharedPart = 512
	// maxRetainedParts bounds the parts kept for sessions to come once no
	// session shows them any more (least recently used first out). Parts
	// that sessions show are kept by those sessions, whatever this bound:
	// that memory is bounded by the session limits.
	maxRetainedParts = 32 << 20
)

// frameParts is shared by every app and server in the process, like the
// chart drawings: the same part shown by two apps is still one copy.
var frameParts = blobs.New(maxRetainedParts)
