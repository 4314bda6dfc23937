// The module path has no dot on purpose: cross-package facts must work
// for modules named like "sales", not only for "example.com/sales".
module dashapp

go 1.26.0
