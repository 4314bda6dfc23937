package rerun

import "slices"

// MayExportFacts reports whether the engine may export facts for package
// pkgPath, judged before type-checking from what run judges after it: the
// package's direct imports (package paths), whether it is in the standard
// library, whether it is the user's own code (a module not required at a
// version: the main module, a workspace module), and importHasFacts,
// which reports whether an import's facts (its own and those it carries
// of its dependencies) are not empty.
//
// The user's own packages are always analysed: a retry helper or a
// decorator factory that imports nothing but context and time runs the
// loaders it is handed, and only its facts say so. Libraries are judged
// by their imports, which keeps a run from analysing every module in the
// build.
//
// A driver uses it to skip type-checking dependencies that are analysed
// only for their facts: cmd/dashvet writes such a package's types without
// checking function bodies, the bulk of the cost in generated code such as
// modernc.org/sqlite's. It must answer true whenever run may export a
// fact; keep the two together.
func MayExportFacts(pkgPath string, std, user bool, imports []string, importHasFacts func(path string) bool) bool {
	if pkgPath == DashPath || len(pkgPath) > len(DashPath) && pkgPath[:len(DashPath)+1] == DashPath+"/" {
		return false // run: IsDashPackage
	}
	importsDash := slices.Contains(imports, DashPath)
	if importsDash {
		return true
	}
	if std {
		return false // run: the catalogue covers the standard library
	}
	if user {
		return true
	}
	for _, imp := range imports {
		if sinkCatalogue.Spreads(imp) || resourceCatalogue.Spreads(imp) ||
			ExtraSinks.hasPackage(imp) || ExtraResources.hasPackage(imp) ||
			importHasFacts(imp) {
			return true
		}
	}
	return false
}

// MayExportFacts makes the function above reachable from drivers outside
// analyzers/, which Go's internal-package rule keeps from importing this
// package: they find it on the rerun analyzer's fact type, through the
// Requires graph of the public analyzers.
func (*PackageFact) MayExportFacts(pkgPath string, std, user bool, imports []string, importHasFacts func(path string) bool) bool {
	return MayExportFacts(pkgPath, std, user, imports, importHasFacts)
}
