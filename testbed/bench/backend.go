package bench

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"os"
	"strings"

	"go.opentelemetry.io/collector/config/configopaque"
)

// Backend is where a variant sends: the testbed's counting sink, or a
// user's own backend (-backend), whose credentials come from the
// environment and are never written to the results.
type Backend struct {
	// URL is the base URL (scheme, host, port) of the backend.
	URL string
	// Headers are added to every request (e.g. Authorization).
	Headers map[string]configopaque.String
	// Username and Password, for backends that take them (basic auth,
	// ClickHouse users).
	Username string
	Password configopaque.String
}

// Environment variables read by BackendFromEnv.
const (
	EnvHeaders  = "OTELHUB_BENCH_HEADERS"  // "Name=value,Name2=value2"
	EnvUsername = "OTELHUB_BENCH_USERNAME" // basic auth / database user
	EnvPassword = "OTELHUB_BENCH_PASSWORD"
)

// BackendFromEnv is a user's backend at rawURL with the credentials found
// in the environment.
func BackendFromEnv(rawURL string) (Backend, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return Backend{}, fmt.Errorf("backend: %q is not a URL", rawURL)
	}
	if u.User != nil {
		return Backend{}, fmt.Errorf("backend: put credentials in %s/%s, not in the URL", EnvUsername, EnvPassword)
	}
	b := Backend{URL: strings.TrimSuffix(rawURL, "/"), Username: os.Getenv(EnvUsername),
		Password: configopaque.String(os.Getenv(EnvPassword))}
	if h := os.Getenv(EnvHeaders); h != "" {
		b.Headers = map[string]configopaque.String{}
		for _, kv := range strings.Split(h, ",") {
			name, value, ok := strings.Cut(kv, "=")
			if !ok || strings.TrimSpace(name) == "" {
				return Backend{}, fmt.Errorf("%s: %q is not Name=value", EnvHeaders, name)
			}
			b.Headers[strings.TrimSpace(name)] = configopaque.String(value)
		}
	}
	return b, nil
}

// HTTPHeaders are the headers an HTTP exporter should send: Headers, plus
// basic auth from Username and Password when Headers has no
// Authorization.
func (b Backend) HTTPHeaders() configopaque.MapList {
	var ml configopaque.MapList
	for k, v := range b.Headers {
		ml.Set(k, v)
	}
	if _, ok := ml.Get("Authorization"); !ok && b.Username != "" {
		cred := base64.StdEncoding.EncodeToString([]byte(b.Username + ":" + string(b.Password)))
		ml.Set("Authorization", configopaque.String("Basic "+cred))
	}
	return ml
}
