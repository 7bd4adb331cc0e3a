// Stands in for xml2js, csv-parse and csv-stringify in jsforce's browser build (wrangler.toml
// [alias]): jsforce parses an answer as XML or CSV only when it says it is one, and the
// connector's REST calls (/composite, /limits) answer JSON, errors included. An XML answer
// all the same (a SOAP-style fault, something in front of Salesforce) is kept as its text,
// as jsforce keeps any other text: a bad answer, never a TypeError taken for a network failure.
module.exports = { parseStringPromise: async (text) => text };
