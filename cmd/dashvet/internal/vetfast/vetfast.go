// Package vetfast answers go vet's request for a dependency's facts
// without a full type-check when the analyzers cannot have any fact to
// export for it.
//
// go vet runs the vet tool on every dependency of the packages it checks,
// with VetxOnly set, only to compute the facts and types its importers
// read. unitchecker type-checks every function body for that, although
// the rerun engine, the only analyzer with facts, decides from a
// package's imports alone that most dependencies have none. For the
// examples that is modernc.org/sqlite and its generated C-to-Go code: most
// of a cold run's time. For such a package this writes the vetx file
// unitchecker would write (the package's types, no facts) from a
// type-check of the declarations only.
//
// The vetx layout is private to golang.org/x/tools' unitchecker, so the
// fast path runs only with the version it was checked against (see
// checkedTools), and TestSameVetx compares its output with unitchecker's.
package vetfast

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/gcexportdata"
)

// checkedTools is the golang.org/x/tools version whose unitchecker vetx
// format (magic, two lengths, indexed export data, gob facts) this package
// writes. With any other version the fast path is off, so upgrading x/tools
// costs speed, never correctness; TestSameVetx then says to check the
// format again and update this.
const checkedTools = "v0.52.0"

// config is the part of unitchecker's *.cfg file this package reads.
type config struct {
	ImportPath    string
	ModulePath    string
	ModuleVersion string
	GoVersion     string
	GoFiles       []string
	ImportMap     map[string]string // import path in source -> package path
	Standard      map[string]bool
	PackageVetx   map[string]string // package path -> its vetx file
	VetxOnly      bool
	VetxOutput    string
	Stdout        string
}

// relevanceFunc is rerun.MayExportFacts, found on the engine's fact type.
type relevanceFunc = func(pkgPath string, std, user bool, imports []string, importHasFacts func(string) bool) bool

// Relevance finds the engine's MayExportFacts among analyzers and their
// requirements, or returns nil. The engine lives in analyzers/internal,
// which Go's internal rule keeps cmd/dashvet from importing; the method on
// its fact type is how it offers the function.
func Relevance(analyzers []*analysis.Analyzer) relevanceFunc {
	type offers interface {
		MayExportFacts(string, bool, bool, []string, func(string) bool) bool
	}
	seen := map[*analysis.Analyzer]bool{}
	var found relevanceFunc
	var visit func(a *analysis.Analyzer)
	visit = func(a *analysis.Analyzer) {
		if seen[a] || found != nil {
			return
		}
		seen[a] = true
		for _, f := range a.FactTypes {
			if o, ok := f.(offers); ok {
				found = o.MayExportFacts
				return
			}
		}
		for _, r := range a.Requires {
			visit(r)
		}
	}
	for _, a := range analyzers {
		visit(a)
	}
	return found
}

// Enabled reports whether the fast path may be used by this build: with
// the x/tools version it was checked against, unless DASHVET_VETFAST=0.
func Enabled() bool {
	if os.Getenv("DASHVET_VETFAST") == "0" {
		return false
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, d := range bi.Deps {
		if d.Path == "golang.org/x/tools" {
			if d.Replace != nil {
				d = d.Replace
			}
			return d.Version == checkedTools
		}
	}
	return false
}

// Try handles the vet tool invocation args (flags, then a *.cfg file) when
// the package is a dependency vetted only for facts and mayExportFacts says
// it can have none. It returns false, having written nothing, when
// unitchecker must do the work; an error means it could not tell.
func Try(args []string, mayExportFacts relevanceFunc) (bool, error) {
	if len(args) == 0 || !strings.HasSuffix(args[len(args)-1], ".cfg") || mayExportFacts == nil {
		return false, nil
	}
	for _, a := range args[:len(args)-1] {
		// Extra catalogue rows (-uncachedcall.sinks=...) reach the engine
		// through flags that unitchecker parses later; leave those runs
		// to it rather than parse them twice.
		if strings.Contains(a, "sinks") || strings.Contains(a, "resources") {
			return false, nil
		}
	}
	data, err := os.ReadFile(args[len(args)-1])
	if err != nil {
		return false, fmt.Errorf("reading vet config: %w", err)
	}
	var cfg config
	if err := json.Unmarshal(data, &cfg); err != nil {
		return false, fmt.Errorf("decoding vet config %s: %w", args[len(args)-1], err)
	}
	if !cfg.VetxOnly || cfg.VetxOutput == "" || len(cfg.GoFiles) == 0 {
		return false, nil
	}

	imports := slices.Sorted(func(yield func(string) bool) {
		for _, p := range cfg.ImportMap {
			if !yield(p) {
				return
			}
		}
	})
	imports = slices.Compact(imports)
	entries := make(map[string]*vetx, len(cfg.PackageVetx))
	for path, file := range cfg.PackageVetx {
		e, err := readVetx(file)
		if err != nil {
			return false, nil // not a format we know: unitchecker's job
		}
		entries[path] = e
	}
	hasFacts := func(path string) bool {
		if path == "unsafe" {
			return false // built into the compiler: no vetx, no facts
		}
		e, ok := entries[path]
		return !ok || len(e.facts) > 0 // unknown: assume it has some
	}
	std := isStd(&cfg)
	if mayExportFacts(cfg.ImportPath, std, !std && cfg.ModulePath != "" && cfg.ModuleVersion == "", imports, hasFacts) {
		return false, nil
	}
	// unitchecker's vetx carries the facts of the package's dependencies
	// on to its importers; the fast path writes none, so it may answer only
	// where there are none to carry (package dash itself imports packages
	// with facts, go-redis through its shared cache).
	for _, imp := range imports {
		if hasFacts(imp) {
			return false, nil
		}
	}

	typesData, ok, err := declTypes(&cfg, entries)
	if err != nil || !ok {
		return false, err
	}
	if err := writeVetx(cfg.VetxOutput, typesData); err != nil {
		return false, err
	}
	if cfg.Stdout != "" {
		// unitchecker creates it in every mode; the go command reads it.
		if err := os.WriteFile(cfg.Stdout, nil, 0o666); err != nil {
			return false, fmt.Errorf("creating vet stdout file: %w", err)
		}
	}
	return true, nil
}

// declTypes type-checks the package's declarations without function
// bodies and returns its indexed export data, as unitchecker's vetx holds
// it. The export data describes declarations only, so it is the same
// without the bodies. ok is false when the declarations do not check
// cleanly: then unitchecker reports what is wrong.
func declTypes(cfg *config, entries map[string]*vetx) (data []byte, ok bool, err error) {
	fset := token.NewFileSet()
	files := make([]*ast.File, 0, len(cfg.GoFiles))
	for _, name := range cfg.GoFiles {
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, false, nil
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				fd.Body = nil
			}
		}
		files = append(files, f)
	}

	imported := make(map[string]*types.Package)
	importer := importerFunc(func(importPath string) (*types.Package, error) {
		path, ok := cfg.ImportMap[importPath]
		if !ok {
			return nil, fmt.Errorf("can't resolve import %q", importPath)
		}
		if path == "unsafe" {
			return types.Unsafe, nil
		}
		if pkg, ok := imported[path]; ok && pkg.Complete() {
			return pkg, nil
		}
		e, ok := entries[path]
		if !ok {
			return nil, fmt.Errorf("no package vetx file for %q", path)
		}
		// gcexportdata.Read wants the format byte that unitchecker's
		// vetx leaves out.
		return gcexportdata.Read(io.MultiReader(strings.NewReader("i"), bytes.NewReader(e.types)), fset, imported, path)
	})
	hard := false
	tc := &types.Config{
		Importer:  importer,
		Sizes:     types.SizesFor("gc", build.Default.GOARCH),
		GoVersion: cfg.GoVersion,
		// Without bodies, imports used only in them are unused: a soft
		// error. Anything else means unitchecker should see the package.
		Error: func(err error) {
			var te types.Error
			if !errors.As(err, &te) || !te.Soft {
				hard = true
			}
		},
	}
	pkg, _ := tc.Check(cfg.ImportPath, fset, files, nil)
	if hard || pkg == nil {
		return nil, false, nil
	}
	var buf bytes.Buffer
	if err := gcexportdata.Write(&buf, fset, pkg); err != nil {
		return nil, false, fmt.Errorf("exporting types of %s: %w", cfg.ImportPath, err)
	}
	return buf.Bytes()[1:], true, nil // without the format byte, as above
}

// isStd reports whether the package is in the standard library, by the
// engine's rule: no module, or module "std", and no dot in the first path
// element. (cfg.Standard covers the imports, not the package itself.)
func isStd(cfg *config) bool {
	if cfg.ModulePath != "" && cfg.ModulePath != "std" {
		return false
	}
	first, _, _ := strings.Cut(cfg.ImportPath, "/")
	return !strings.Contains(first, ".")
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

const vetxMagic = "vetx"

// vetx is a vetx file: a package's indexed export data and its facts.
type vetx struct{ types, facts []byte }

func readVetx(name string) (*vetx, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	if len(data) < 12 || string(data[:4]) != vetxMagic {
		return nil, fmt.Errorf("%s: not a vetx file", name)
	}
	nt := uint64(binary.LittleEndian.Uint32(data[4:8]))
	nf := uint64(binary.LittleEndian.Uint32(data[8:12]))
	if 12+nt+nf > uint64(len(data)) {
		return nil, fmt.Errorf("%s: vetx lengths exceed the file", name)
	}
	return &vetx{types: data[12 : 12+nt], facts: data[12+nt : 12+nt+nf]}, nil
}

// writeVetx writes a vetx file with the given types and no facts.
func writeVetx(name string, typesData []byte) error {
	var buf bytes.Buffer
	buf.WriteString(vetxMagic)
	var n [8]byte
	binary.LittleEndian.PutUint32(n[0:4], uint32(len(typesData)))
	binary.LittleEndian.PutUint32(n[4:8], 0)
	buf.Write(n[:])
	buf.Write(typesData)
	if err := os.WriteFile(name, buf.Bytes(), 0o666); err != nil {
		return fmt.Errorf("writing vetx file: %w", err)
	}
	return nil
}
