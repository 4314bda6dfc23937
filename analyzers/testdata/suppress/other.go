//dashvet:file-ignore uncachedcall the whole file is an offline admin page
package suppress

import "github.com/dashvet/dashvet/dash"

func admin(ui *dash.UI) {
	load(ui.Context())
	load(ui.Context())
}
