// Command chsink is the testbed's draining ClickHouse endpoint
// (clickhouse/chdrain) as a process of its own, so that its CPU is not
// counted in the benchmark process: INSERTs are read, decompressed and
// answered 200; every other request goes to the ClickHouse at -upstream.
//
// It prints its address on the first line of stdout. GET /_chsink/stats
// returns its counters as JSON, POST /_chsink/reset zeroes them.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/otelhub/otelhub/testbed/clickhouse/chdrain"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	upstream := flag.String("upstream", "", "URL of the real ClickHouse HTTP interface (required)")
	logReq := flag.Bool("log", false, "log the first request of each shape to stderr")
	flag.Parse()
	var reqLog io.Writer // a nil interface: no log
	if *logReq {
		reqLog = os.Stderr
	}
	s, err := chdrain.New(*upstream, reqLog)
	if err != nil {
		log.Fatal(err)
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(l.Addr().String()) // the caller reads the address from here
	log.Fatal(http.Serve(l, s))
}
