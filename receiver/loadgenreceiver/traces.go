package loadgenreceiver

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

var (
	httpMethods = []string{"GET", "GET", "GET", "POST", "PUT", "DELETE"}
	httpRoutes  = []string{"/api/v1/orders/{id}", "/api/v1/cart", "/api/v1/products", "/api/v1/users/{id}/profile", "/healthz", "/api/v1/search"}
	dbTables    = []string{"orders", "users", "products", "inventory", "sessions"}
	dbOps       = []string{"SELECT", "SELECT", "INSERT", "UPDATE"}
	peers       = []string{"inventory.shop.svc", "pricing.shop.svc", "fraud.shop.svc"}
	statusCodes = []int64{200, 200, 200, 200, 200, 201, 204, 400, 404, 500, 503}
)

// traces builds n spans: traces of one HTTP server span with a DB child and
// an HTTP client child, each trace under one resource.
func (g *generator) traces(n int) ptrace.Traces {
	td := ptrace.NewTraces()
	for n > 0 {
		rs := td.ResourceSpans().AppendEmpty()
		g.resource().CopyTo(rs.Resource())
		ss := rs.ScopeSpans().AppendEmpty()
		ss.Scope().SetName("github.com/otelhub/otelhub/receiver/loadgenreceiver")
		ss.Scope().SetVersion("0.1.0")
		n -= g.trace(ss.Spans(), n)
	}
	return td
}

// trace appends up to max spans of one trace and returns how many.
func (g *generator) trace(spans ptrace.SpanSlice, max int) int {
	tid := g.traceID()
	end := time.Now()
	total := g.duration()
	start := end.Add(-total)
	method, route := g.pick(httpMethods), g.pick(httpRoutes)
	status := statusCodes[g.rng.IntN(len(statusCodes))]

	root := spans.AppendEmpty()
	g.setSpan(root, tid, pcommon.SpanID{}, method+" "+route, ptrace.SpanKindServer, start, end, status >= 500)
	a := root.Attributes()
	a.PutStr("http.request.method", method)
	a.PutStr("http.route", route)
	a.PutStr("url.path", fillRoute(route, g.rng.IntN(100000)))
	a.PutStr("url.scheme", "https")
	a.PutInt("http.response.status_code", status)
	a.PutStr("server.address", "api.shop.example")
	a.PutInt("server.port", 443)
	a.PutStr("client.address", g.ip())
	a.PutStr("network.protocol.version", "1.1")
	a.PutStr("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) loadgen/1.0")
	if max == 1 {
		return 1
	}

	table, op := g.pick(dbTables), g.pick(dbOps)
	db := spans.AppendEmpty()
	dbStart := start.Add(total / 10)
	g.setSpan(db, tid, root.SpanID(), op+" "+table, ptrace.SpanKindClient, dbStart, dbStart.Add(total/3), false)
	a = db.Attributes()
	a.PutStr("db.system.name", "postgresql")
	a.PutStr("db.namespace", "shop")
	a.PutStr("db.operation.name", op)
	a.PutStr("db.collection.name", table)
	a.PutStr("db.query.text", fmt.Sprintf("%s * FROM %s WHERE id = $1", op, table))
	a.PutStr("server.address", "postgres.shop.svc")
	a.PutInt("server.port", 5432)
	if max == 2 {
		return 2
	}

	peer := g.pick(peers)
	cl := spans.AppendEmpty()
	clStart := start.Add(total / 2)
	g.setSpan(cl, tid, root.SpanID(), "GET", ptrace.SpanKindClient, clStart, clStart.Add(total/3), status >= 500)
	a = cl.Attributes()
	a.PutStr("http.request.method", "GET")
	a.PutStr("url.full", "http://"+peer+"/v1/quote")
	a.PutStr("server.address", peer)
	a.PutInt("server.port", 80)
	a.PutInt("http.response.status_code", status)
	return 3
}

func (g *generator) setSpan(s ptrace.Span, tid pcommon.TraceID, parent pcommon.SpanID, name string,
	kind ptrace.SpanKind, start, end time.Time, failed bool) {
	s.SetTraceID(tid)
	s.SetSpanID(g.spanID())
	s.SetParentSpanID(parent)
	s.SetName(name)
	s.SetKind(kind)
	s.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
	s.SetEndTimestamp(pcommon.NewTimestampFromTime(end))
	if failed {
		s.Status().SetCode(ptrace.StatusCodeError)
	}
}

// fillRoute replaces the {id} placeholder of a route with a concrete id.
func fillRoute(route string, id int) string {
	return strings.Replace(route, "{id}", strconv.Itoa(id), 1)
}
