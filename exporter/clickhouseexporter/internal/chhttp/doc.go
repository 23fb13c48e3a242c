// Package chhttp is a small HTTP client that sends INSERTs to ClickHouse
// with a body already encoded by the caller, typically a Native format
// block.
//
// Why: clickhouse-go builds a block through its own column types, which
// costs a copy and most of the exporter's CPU. The exporter encodes the
// Native block itself; this package only compresses it (optionally),
// POSTs it and classifies the answer. Compression writers and buffers are
// pooled, so the hot path allocates about what net/http needs.
//
// ClickHouse behaviours it relies on (HTTP interface, see
// https://clickhouse.com/docs/interfaces/http):
//   - POST /?query=INSERT ... FORMAT Native with the data as the body;
//     other URL parameters are settings of the query.
//   - User, password and database travel as X-ClickHouse-User,
//     X-ClickHouse-Key and X-ClickHouse-Database headers, so they are
//     never part of a URL (and so never of a logged error).
//   - A request body with Content-Encoding gzip, zstd or lz4 (the LZ4
//     frame format) is decompressed by the server (its HTTP handler maps
//     the header through its compression-method table). gzip works on
//     every server; 18.16 refuses zstd and lz4 with code 89
//     (UNKNOWN_COMPRESSION_METHOD), as TestIntegrationDebianServer shows,
//     so those need a recent server.
//   - A failed query answers with a non-200 status, the error code in
//     X-ClickHouse-Exception-Code and the text "Code: N. DB::Exception:
//     ..." in the body.
//   - Once the status line is sent, an exception can only be written into
//     the body of a 200 answer. Newer servers mark it with the tag given in
//     X-ClickHouse-Exception-Tag ("__exception__TAG ... TAG__exception__");
//     older ones write the plain "Code: N. DB::Exception" text. An INSERT
//     answers with an empty body on success, so either text in a 200 body
//     is an error, and so is any other text there (something that is not
//     ClickHouse answered). wait_end_of_query=1 is sent as well (the documented
//     cure for a 200 that turns into an error): it makes the server hold
//     the answer until the query has ended, so the status code can be
//     trusted even when a profile enables progress headers; an INSERT has
//     no result to buffer, so it costs nothing. Servers as old as 18.16
//     accept it.
//
// Hosts are tried according to Config.Strategy; a request moves to the
// next host only when connecting fails (nothing was sent), never on an
// exception, so a retry cannot write a block twice through two hosts.
package chhttp
