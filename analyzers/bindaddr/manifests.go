package bindaddr

import (
	"bytes"
	"go/ast"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/dashvet/dashvet/analyzers/internal/suppress"
)

// maxManifest bounds what is read of one file: manifests are small, and a
// large file of that name is not one.
const maxManifest = 1 << 20

// containerFiles are the names of files that build or run a container.
var containerFiles = []string{
	"Dockerfile", "Containerfile",
	"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml",
}

// k8sDirs are the conventional folders of Kubernetes manifests, looked up
// in the package directory and the module root.
var k8sDirs = []string{".", "k8s", "kubernetes", "deploy", "manifests"}

var (
	k8sKind     = regexp.MustCompile(`(?m)^\s*kind:\s*(Deployment|StatefulSet|DaemonSet|Pod|Job|CronJob)\s*$`)
	flagAddress = regexp.MustCompile(`--server\.address[= ]+["']?([^\s"',\]]+)`)
	envAddress  = regexp.MustCompile(`DASH_SERVER_ADDRESS(?:["']?\s*[=:]\s*|\s+)["']?([^\s"',\]]*)`)
	tomlAddress = regexp.MustCompile(`(?m)^\s*address\s*=\s*["']([^"']*)["']`)
	k8sEnvValue = regexp.MustCompile(`name:\s*["']?DASH_SERVER_ADDRESS["']?\s*\n\s*value:\s*["']?([^\s"']+)`)
	// Dockerfiles, YAML and TOML all comment with "#": a comment that
	// mentions the flag ("# run with --server.address=0.0.0.0") sets nothing.
	commentLine = regexp.MustCompile(`(?m)^[ \t]*#.*$`)
)

// checkManifests reports run, the call serving the app on the default
// address, when the package directory or module root holds container
// manifests none of which sets the address.
//
// The files read are not among the package's files, so Pass.ReadFile
// (which admits only those) cannot read them. A non-nil ReadFile is taken
// as the driver's statement that the analysis may look at the file system;
// without it (Bazel nogo, sandboxed drivers) nothing is found.
func checkManifests(pass *analysis.Pass, rep *suppress.Reporter, run *ast.CallExpr) {
	pkgDir, found, configures := containerManifests(pass)
	if configures {
		return
	}
	if len(found) == 0 {
		return
	}
	rel := manifestName(pkgDir, found[0])
	rep.Reportf(run.Pos(), "the app serves on the default address 127.0.0.1, unreachable from outside the container of %s; "+
		"pass dash.Address(\"0.0.0.0\"), or set --server.address=0.0.0.0 or DASH_SERVER_ADDRESS=0.0.0.0 there", rel)
}

// manifestName names a manifest for a message: relative to the package
// directory when it is there or below, else to the module root ("the
// module root's Dockerfile"), rather than as ../../../Dockerfile.
func manifestName(pkgDir, path string) string {
	if rel, err := filepath.Rel(pkgDir, path); err == nil && filepath.IsLocal(rel) {
		return filepath.ToSlash(rel)
	}
	if root := moduleRoot(pkgDir); root != "" {
		if rel, err := filepath.Rel(root, path); err == nil && filepath.IsLocal(rel) {
			return "the module root's " + filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(path)
}

// containerManifests returns the package directory and the container
// manifests of it and of the module root, and whether a dash.toml or one of
// them sets a non-loopback address. Without file access it finds nothing.
func containerManifests(pass *analysis.Pass) (pkgDir string, found []string, configures bool) {
	if pass.ReadFile == nil || len(pass.Files) == 0 {
		return "", nil, false
	}
	tf := pass.Fset.File(pass.Files[0].FileStart)
	if tf == nil {
		return "", nil, false
	}
	pkgDir = filepath.Dir(tf.Name())
	if !filepath.IsAbs(pkgDir) {
		return "", nil, false
	}
	dirs := []string{pkgDir}
	if pass.Module != nil {
		if root := moduleRoot(pkgDir); root != "" && root != pkgDir {
			dirs = append(dirs, root)
		}
	}
	for _, dir := range dirs {
		if configured(filepath.Join(dir, "dash.toml"), tomlAddress) {
			configures = true
		}
		for _, m := range manifests(dir) {
			if setsAddress(m) {
				configures = true
			}
			found = append(found, m)
		}
	}
	return pkgDir, found, configures
}

// moduleRoot returns the nearest directory at or above dir holding go.mod.
func moduleRoot(dir string) string {
	for range 32 {
		if st, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil && st.Mode().IsRegular() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return ""
}

// manifests lists the container manifests of dir.
func manifests(dir string) []string {
	var out []string
	for _, name := range containerFiles {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			out = append(out, p)
		}
	}
	for _, sub := range k8sDirs {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			continue
		}
		for _, e := range entries {
			name := e.Name()
			if !e.Type().IsRegular() || isCompose(name) {
				continue
			}
			switch {
			case strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml"):
				p := filepath.Join(dir, sub, name)
				if b := read(p); b != nil && k8sKind.Match(b) {
					out = append(out, p)
				}
			case sub == "." && (strings.HasPrefix(name, "Dockerfile.") || strings.HasSuffix(name, ".Dockerfile")):
				out = append(out, filepath.Join(dir, name))
			}
		}
	}
	return out
}

func isCompose(name string) bool {
	for _, c := range containerFiles {
		if c == name {
			return true
		}
	}
	return false
}

func read(path string) []byte {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxManifest))
	if err != nil {
		return nil
	}
	return commentLine.ReplaceAll(b, nil)
}

// setsAddress reports whether a manifest sets a non-loopback address.
func setsAddress(path string) bool {
	b := read(path)
	if b == nil {
		return false
	}
	for _, re := range []*regexp.Regexp{flagAddress, envAddress, k8sEnvValue} {
		for _, m := range re.FindAllSubmatch(b, -1) {
			v := string(bytes.TrimSpace(m[1]))
			if v == "" && re == envAddress {
				// "- name: DASH_SERVER_ADDRESS" with the value on the next
				// line is judged by k8sEnvValue.
				continue
			}
			if v != "" && !IsLoopback(v) && !strings.HasPrefix(v, "$") {
				return true
			}
			if strings.HasPrefix(v, "$") {
				return true // set from the environment: trust the deployer
			}
		}
	}
	return false
}

// configured reports whether a dash.toml sets a non-loopback address.
func configured(path string, re *regexp.Regexp) bool {
	if _, err := os.Stat(path); err != nil {
		return false
	}
	b := read(path)
	for _, m := range re.FindAllSubmatch(b, -1) {
		if v := string(m[1]); v != "" && !IsLoopback(v) {
			return true
		}
	}
	return false
}

// manifestsSetEnv reports whether a manifest sets the environment variable
// name (ENV, environment:, a Kubernetes env entry, docker run -e) to a
// non-loopback value or one taken from the deployer's environment.
func manifestsSetEnv(paths []string, name string) bool {
	n := regexp.QuoteMeta(name)
	return anyValue(paths,
		regexp.MustCompile(`(?:^|[\s"'\[,-])`+n+`(?:["']?\s*[=:]\s*|\s+)["']?([^\s"',\]]+)`),
		regexp.MustCompile(`name:\s*["']?`+n+`["']?\s*\n\s*value:\s*["']?([^\s"']+)`))
}

// manifestsPassFlag reports whether a manifest passes the command-line
// flag name (-name or --name, with = or a space) a non-loopback value.
func manifestsPassFlag(paths []string, name string) bool {
	return anyValue(paths, regexp.MustCompile(`(?:^|[\s"'\[,])--?`+regexp.QuoteMeta(name)+`(?:=|["']?\s*,?\s*["']?|\s+)["']?([^\s"',\]]+)`))
}

// anyValue reports whether one of the patterns captures, in one of the
// files, a value that is not a loopback address.
func anyValue(paths []string, res ...*regexp.Regexp) bool {
	for _, p := range paths {
		b := read(p)
		for _, re := range res {
			for _, m := range re.FindAllSubmatch(b, -1) {
				if v := string(m[1]); v != "" && (strings.HasPrefix(v, "$") || !IsLoopback(v)) {
					return true
				}
			}
		}
	}
	return false
}
