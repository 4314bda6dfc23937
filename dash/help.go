package dash

import (
	"fmt"
	"io"
	"path/filepath"
)

// helpRequested reports whether args ask for help (-h, -help, --help)
// before any "--".
func helpRequested(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// writeHelp prints the settings the runtime reads, for an app started with
// Run and asked for --help.
func writeHelp(w io.Writer, prog string) {
	fmt.Fprintf(w, "Usage of %s:\n\nThe dash runtime reads these settings (flag, environment variable, dash.toml key);\n"+
		"a flag overrides the environment, which overrides %s in the working directory:\n\n%s",
		filepath.Base(prog), ConfigFile, ConfigUsage())
}
