// Stands in for xml2js, csv-parse and csv-stringify in jsforce's browser build (wrangler.toml
// [alias]): jsforce parses an answer as XML or CSV only when it says it is one, and the
// connector's REST calls (/composite, /limits) answer JSON, errors included.
module.exports = {};
