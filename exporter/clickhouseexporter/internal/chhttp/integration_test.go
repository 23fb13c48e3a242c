package chhttp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

func insertQuery(table string) string { return "INSERT INTO " + table + " (id, name) FORMAT Native" }

func newClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// Every compression reaches the server as a body it decodes, and the
// rows read back are the rows sent.
func TestIntegrationInsertCompression(t *testing.T) {
	base := chDB(t)
	for _, comp := range []string{"", CompressionNone, CompressionGzip, CompressionZstd, CompressionLZ4} {
		t.Run("compression="+comp, func(t *testing.T) {
			table := "t_comp_" + strings.ReplaceAll(comp+"x", "-", "")
			createTable(t, base, table)
			c := newClient(t, Config{Hosts: []string{hostOf(t, base)}, Compression: comp})
			r1, r2 := makeRows(0, 3000), makeRows(3000, 1)
			for _, r := range []rows{r1, r2} {
				if err := c.Insert(ctxT(t), insertQuery(table), nil, r.native(t)); err != nil {
					t.Fatal(err)
				}
			}
			checkTable(t, base, table, r1, r2)
		})
	}
}

// The insert_deduplication_token setting reaches the server: a second,
// different block with the same token is dropped, one with another token
// is not.
func TestIntegrationSettingsReachServer(t *testing.T) {
	base := chDB(t)
	table := "t_dedup"
	createTable(t, base, table)
	c := newClient(t, Config{Hosts: []string{hostOf(t, base)}, Compression: CompressionZstd})
	tok := func(v string) []Setting { return []Setting{{Key: "insert_deduplication_token", Value: v}} }
	r1, r2, r3 := makeRows(0, 10), makeRows(10, 10), makeRows(20, 10)
	for _, step := range []struct {
		token string
		r     rows
	}{{"batch 1/ü&=", r1}, {"batch 1/ü&=", r2}, {"batch 2", r3}} {
		if err := c.Insert(ctxT(t), insertQuery(table), tok(step.token), step.r.native(t)); err != nil {
			t.Fatal(err)
		}
	}
	checkTable(t, base, table, r1, r3)
}

// A query that fails comes back as an *Exception with ClickHouse's code.
func TestIntegrationException(t *testing.T) {
	base := chDB(t)
	c := newClient(t, Config{Hosts: []string{hostOf(t, base)}})
	err := c.Insert(ctxT(t), insertQuery("no_such_table"), nil, makeRows(0, 1).native(t))
	var exc *Exception
	if !errors.As(err, &exc) {
		t.Fatalf("got %v, want an *Exception", err)
	}
	// 60 is UNKNOWN_TABLE in ClickHouse's error code list.
	if exc.Code != 60 || exc.Status == 200 || !strings.Contains(exc.Message, "no_such_table") {
		t.Errorf("got %+v", exc)
	}

	// A body that is not a Native block of the columns: the server's
	// parse error, not a success.
	createTable(t, base, "t_garbage")
	err = c.Insert(ctxT(t), insertQuery("t_garbage"), nil, []byte("\x02\x01garbage"))
	if !errors.As(err, &exc) || exc.Code == 0 {
		t.Fatalf("got %v, want an *Exception with a code", err)
	}
	checkTable(t, base, "t_garbage")
}

// Strategies against a real server behind two recording proxies and a
// dead address: which host gets each request, and that a dead host is
// skipped without losing a row.
func TestIntegrationHostStrategies(t *testing.T) {
	base := chDB(t)
	dead := deadAddr(t)
	run := func(t *testing.T, strategy string, hosts func(a, b *proxy) []string, n int) (a, b int) {
		t.Helper()
		pa, pb := newProxy(t, base, false), newProxy(t, base, false)
		table := "t_" + strategy
		createTable(t, base, table)
		c := newClient(t, Config{Hosts: hosts(pa, pb), Strategy: strategy})
		var sent []rows
		for i := range n {
			r := makeRows(i*10, 10)
			if err := c.Insert(ctxT(t), insertQuery(table), nil, r.native(t)); err != nil {
				t.Fatalf("insert %d: %v", i, err)
			}
			sent = append(sent, r)
		}
		checkTable(t, base, table, sent...)
		return pa.count(), pb.count()
	}
	t.Run("in_order", func(t *testing.T) {
		a, b := run(t, StrategyInOrder, func(a, b *proxy) []string { return []string{dead, a.host(), b.host()} }, 5)
		if a != 5 || b != 0 {
			t.Errorf("a %d b %d, want 5 0", a, b)
		}
	})
	t.Run("in_order default", func(t *testing.T) {
		a, b := run(t, "", func(a, b *proxy) []string { return []string{a.host(), b.host()} }, 3)
		if a != 3 || b != 0 {
			t.Errorf("a %d b %d, want 3 0", a, b)
		}
	})
	t.Run("round_robin", func(t *testing.T) {
		// Firsts: a, dead (then b), b, a, dead (then b), b.
		a, b := run(t, StrategyRoundRobin, func(a, b *proxy) []string { return []string{a.host(), dead, b.host()} }, 6)
		if a != 2 || b != 4 {
			t.Errorf("a %d b %d, want 2 4", a, b)
		}
	})
	t.Run("random", func(t *testing.T) {
		// a is first a third of the time; 30 requests all missing it
		// has a chance of (2/3)^30, about 5e-6.
		a, b := run(t, StrategyRandom, func(a, b *proxy) []string { return []string{a.host(), dead, b.host()} }, 30)
		if a == 0 || b == 0 || a+b != 30 {
			t.Errorf("a %d b %d, want both used, 30 in all", a, b)
		}
	})
}

// An exception does not move the request to the next host: the server
// answered, and another host would answer the same.
func TestIntegrationExceptionDoesNotFailOver(t *testing.T) {
	base := chDB(t)
	pa, pb := newProxy(t, base, false), newProxy(t, base, false)
	c := newClient(t, Config{Hosts: []string{pa.host(), pb.host()}})
	err := c.Insert(ctxT(t), insertQuery("no_such_table"), nil, makeRows(0, 1).native(t))
	var exc *Exception
	if !errors.As(err, &exc) {
		t.Fatalf("got %v", err)
	}
	if pa.count() != 1 || pb.count() != 0 {
		t.Errorf("a %d b %d, want 1 0", pa.count(), pb.count())
	}
}

// With only dead hosts, the error is the network error, for each host once.
func TestIntegrationAllHostsDead(t *testing.T) {
	for _, strategy := range []string{StrategyInOrder, StrategyRoundRobin, StrategyRandom} {
		c := newClient(t, Config{Hosts: []string{deadAddr(t), deadAddr(t)}, Strategy: strategy, DialTimeout: time.Second})
		err := c.Insert(ctxT(t), insertQuery("t"), nil, []byte{0, 0})
		var op *net.OpError
		var exc *Exception
		if !errors.As(err, &op) || errors.As(err, &exc) {
			t.Errorf("%s: got %v, want a dial error", strategy, err)
		}
	}
}

// HTTPS through a TLS proxy in front of chDB: accepted with the proxy's
// CA in RootCAs, refused with the system roots.
func TestIntegrationTLS(t *testing.T) {
	base := chDB(t)
	p := newProxy(t, base, true)
	table := "t_tls"
	createTable(t, base, table)
	r := makeRows(0, 100)

	bad := newClient(t, Config{Hosts: []string{p.host()}, Secure: true})
	err := bad.Insert(ctxT(t), insertQuery(table), nil, r.native(t))
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Fatalf("without the CA: got %v, want an unknown authority error", err)
	}

	roots := x509.NewCertPool()
	roots.AddCert(p.srv.Certificate())
	good := newClient(t, Config{Hosts: []string{p.host()}, Secure: true, TLS: &tls.Config{RootCAs: roots}, Compression: CompressionLZ4})
	if err := good.Insert(ctxT(t), insertQuery(table), nil, r.native(t)); err != nil {
		t.Fatal(err)
	}
	checkTable(t, base, table, r)
	if n := p.count(); n != 1 {
		t.Errorf("proxy saw %d requests, want 1 (the refused one never got past the handshake)", n)
	}
}

// User and password travel as headers, never in the URL or an error.
func TestIntegrationAuthHeaders(t *testing.T) {
	base := chDB(t)
	const user, password = "otel", "pa55-w0rd-9f1c"
	p := newProxy(t, base, false)
	table := "t_auth"
	createTable(t, base, table)
	c := newClient(t, Config{Hosts: []string{p.host()}, Username: user, Password: password, Database: "default"})
	r := makeRows(0, 5)
	if err := c.Insert(ctxT(t), insertQuery(table), []Setting{{Key: "insert_deduplication_token", Value: "x"}}, r.native(t)); err != nil {
		t.Fatal(err)
	}
	checkTable(t, base, table, r)
	errs := []error{c.Insert(ctxT(t), insertQuery("no_such_table"), nil, r.native(t))}
	dead := newClient(t, Config{Hosts: []string{deadAddr(t)}, Username: user, Password: password})
	errs = append(errs, dead.Insert(ctxT(t), insertQuery(table), nil, r.native(t)))
	for _, err := range errs {
		if err == nil || strings.Contains(err.Error(), password) {
			t.Errorf("error %v: want an error without the password", err)
		}
	}
	reqs := p.requests()
	if len(reqs) != 2 {
		t.Fatalf("proxy saw %d requests, want 2", len(reqs))
	}
	for _, rq := range reqs {
		if rq.header.Get("X-ClickHouse-User") != user || rq.header.Get("X-ClickHouse-Key") != password ||
			rq.header.Get("X-ClickHouse-Database") != "default" {
			t.Errorf("headers %v", rq.header)
		}
		if strings.Contains(rq.url, password) || strings.Contains(rq.url, user) {
			t.Errorf("URL %s holds credentials", rq.url)
		}
		if !strings.Contains(rq.url, "wait_end_of_query=1") {
			t.Errorf("URL %s lacks wait_end_of_query=1", rq.url)
		}
	}
	if !strings.Contains(reqs[0].url, "insert_deduplication_token=x") {
		t.Errorf("URL %s lacks the setting", reqs[0].url)
	}
}

// Concurrent inserts share connections and pooled buffers without mixing
// bodies.
func TestIntegrationConcurrentInserts(t *testing.T) {
	base := chDB(t)
	table := "t_concurrent"
	createTable(t, base, table)
	c := newClient(t, Config{Hosts: []string{hostOf(t, base)}, Compression: CompressionGzip, MaxConns: 2})
	const workers, each = 4, 5
	errc := make(chan error, workers*each)
	var sent []rows
	for w := range workers {
		var mine []rows
		for i := range each {
			mine = append(mine, makeRows((w*each+i)*7, 7))
		}
		sent = append(sent, mine...)
		go func() {
			for _, r := range mine {
				errc <- c.Insert(context.Background(), insertQuery(table), []Setting{{Key: "insert_deduplication_token", Value: strconv.FormatUint(r.ids[0], 10)}}, r.native(t))
			}
		}()
	}
	for range workers * each {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	checkTable(t, base, table, sent...)
}

// The client goes through the proxy HTTP_PROXY names (read when the
// client is made), as confighttp's clients do; NO_PROXY exempts a host.
func TestIntegrationEnvironmentProxy(t *testing.T) {
	base := chDB(t)
	p := newProxy(t, base, false)
	table := "t_env_proxy"
	createTable(t, base, table)
	t.Setenv("HTTP_PROXY", "http://"+p.host())
	t.Setenv("NO_PROXY", "")
	// A name that resolves nowhere: only the proxy can reach "it".
	c := newClient(t, Config{Hosts: []string{"clickhouse.invalid:8123"}})
	r := makeRows(0, 7)
	if err := c.Insert(ctxT(t), insertQuery(table), nil, r.native(t)); err != nil {
		t.Fatal(err)
	}
	checkTable(t, base, table, r)
	if reqs := p.requests(); len(reqs) != 1 || !strings.Contains(reqs[0].url, "clickhouse.invalid:8123") {
		t.Fatalf("proxy saw %v, want the one insert for clickhouse.invalid", reqs)
	}

	t.Setenv("NO_PROXY", "clickhouse.invalid")
	direct := newClient(t, Config{Hosts: []string{"clickhouse.invalid:8123"}})
	if err := direct.Insert(ctxT(t), insertQuery(table), nil, r.native(t)); err == nil {
		t.Fatal("a host in NO_PROXY was reached through the proxy")
	}
}
