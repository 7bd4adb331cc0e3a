// Stands in for the core-js polyfills that jsforce's browser build imports (wrangler.toml
// [alias]): workerd has these language and web features natively, so they add nothing.
export {};
