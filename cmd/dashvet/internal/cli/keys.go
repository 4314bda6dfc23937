package cli

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"

	"github.com/dashvet/dashvet/cmd/dashvet/internal/cache"
	"github.com/dashvet/dashvet/cmd/dashvet/internal/load"
)

// keyer computes the cache key of a root package's results: a hash of
// everything they depend on. That is
//   - this executable (its contents: a rebuilt dashvet is another tool),
//     the analyzers that run, their flags, and the go environment that
//     selects files and sizes;
//   - the package's files, and recursively its dependencies' keys;
//   - for a package of the main module (or a replacement or workspace
//     module), the files next to it and at its module root: the
//     container manifests bindaddr reads are not Go files.
//
// -tags and -test are not in the key: they change which packages and files
// there are (a test variant is a package of its own ID), and the files are
// in it. Left in, flipping either re-analysed every dependency.
//
// A file of a module in the module cache is named by its module version
// (the cache is read-only: a version's contents never change; a vendored
// copy is hashed like the user's code); a file of
// the standard library by its name, size and modification time; any other
// file by a hash of its contents, since editors and git can keep sizes and
// times.
type keyer struct {
	base  [sha256.Size]byte
	std   map[*packages.Package]bool
	memo  map[*packages.Package]cache.Key
	files map[string]string // directory -> its listing, for the roots' surroundings
}

// keyEnv are the go environment variables that change which files a
// package has, or its types, without showing in the file lists.
var keyEnv = []string{"GOOS", "GOARCH", "GOFLAGS", "CGO_ENABLED", "GOEXPERIMENT", "GOAMD64", "GOARM64", "GOTOOLCHAIN"}

func newKeyer(g *load.Graph, req request, analyzers []*analysis.Analyzer) (*keyer, error) {
	h := sha256.New()
	fmt.Fprintf(h, "dashvet results v1\n")
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding this executable for the cache key: %w", err)
	}
	f, err := os.Open(self)
	if err != nil {
		return nil, fmt.Errorf("reading this executable for the cache key: %w", err)
	}
	_, err = io.Copy(h, f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("reading this executable for the cache key: %w", err)
	}
	for _, a := range analyzers {
		fmt.Fprintf(h, "analyzer %s\n", a.Name)
	}
	for _, arg := range req.analyzerArgs {
		fmt.Fprintf(h, "arg %q\n", arg)
	}
	for _, k := range keyEnv {
		fmt.Fprintf(h, "env %s=%q\n", k, os.Getenv(k))
	}
	k := &keyer{std: g.Std, memo: map[*packages.Package]cache.Key{}, files: map[string]string{}}
	h.Sum(k.base[:0])
	return k, nil
}

// key returns p's key.
func (k *keyer) key(p *packages.Package) cache.Key {
	if key, ok := k.memo[p]; ok {
		return key
	}
	h := sha256.New()
	h.Write(k.base[:])
	fmt.Fprintf(h, "package %q %q\n", p.ID, p.Name)
	for _, e := range p.Errors {
		fmt.Fprintf(h, "error %q %q\n", e.Pos, e.Msg)
	}
	// In the module cache a module's directory is named path@version and
	// never written to; a vendored copy (vendor/) is not, and may be.
	immutable := p.Module != nil && !p.Module.Main && p.Module.Replace == nil && p.Module.Version != "" &&
		strings.HasSuffix(p.Module.Dir, "@"+p.Module.Version)
	if immutable {
		fmt.Fprintf(h, "module %s@%s\n", p.Module.Path, p.Module.Version)
	}
	for _, name := range slices.Concat(p.CompiledGoFiles, p.OtherFiles) {
		switch {
		case immutable:
			fmt.Fprintf(h, "file %q\n", name)
		case k.std[p]:
			fmt.Fprintf(h, "file %q %s\n", name, stat(name))
		default:
			fmt.Fprintf(h, "file %q %s\n", name, contentHash(name))
		}
	}
	if !immutable && !k.std[p] && len(p.GoFiles) > 0 {
		dir := filepath.Dir(p.GoFiles[0])
		fmt.Fprintf(h, "dir %s", k.listing(dir))
		if p.Module != nil && p.Module.Dir != "" {
			fmt.Fprintf(h, "root %s", k.listing(p.Module.Dir))
		}
	}
	for _, path := range slices.Sorted(func(yield func(string) bool) {
		for path := range p.Imports {
			if !yield(path) {
				return
			}
		}
	}) {
		dep := k.key(p.Imports[path])
		fmt.Fprintf(h, "import %q %x\n", path, dep)
	}
	var key cache.Key
	h.Sum(key[:0])
	k.memo[p] = key
	return key
}

// listing describes dir's regular files and those of its subdirectories
// (names, sizes, times), once per run.
func (k *keyer) listing(dir string) string {
	if s, ok := k.files[dir]; ok {
		return s
	}
	var b strings.Builder
	var list func(d string, depth int)
	list = func(d string, depth int) {
		entries, err := os.ReadDir(d)
		if err != nil {
			return
		}
		for _, e := range entries {
			name := filepath.Join(d, e.Name())
			switch {
			case e.Type().IsRegular():
				fmt.Fprintf(&b, "%q %s\n", name, stat(name))
			case e.IsDir() && depth == 0 && !strings.HasPrefix(e.Name(), "."):
				list(name, depth+1)
			}
		}
	}
	list(dir, 0)
	k.files[dir] = b.String()
	return b.String()
}

func stat(name string) string {
	st, err := os.Stat(name)
	if err != nil {
		return "missing"
	}
	return fmt.Sprintf("%d %d", st.Size(), st.ModTime().UnixNano())
}

func contentHash(name string) string {
	f, err := os.Open(name)
	if err != nil {
		return "missing"
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "unreadable"
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// typesCache keeps the export data of dependencies in c, under their
// keys. The keys are computed here, before type-checking starts, so that
// the cache's methods only read them from the goroutines that check.
func (k *keyer) typesCache(g *load.Graph, c *cache.Cache) load.TypesCache {
	keys := make(map[*packages.Package]cache.Key, len(g.All))
	for _, p := range g.All {
		key := k.key(p)
		keys[p] = sha256.Sum256(append([]byte("types\n"), key[:]...))
	}
	return typesCache{keys, c}
}

type typesCache struct {
	keys  map[*packages.Package]cache.Key
	cache *cache.Cache
}

func (t typesCache) Get(p *packages.Package) ([]byte, bool) {
	key, ok := t.keys[p]
	if !ok {
		return nil, false
	}
	return t.cache.Get(key)
}

func (t typesCache) Put(p *packages.Package, data []byte) {
	if key, ok := t.keys[p]; ok {
		_ = t.cache.Put(key, data) // best effort: the run does not need it
	}
}
