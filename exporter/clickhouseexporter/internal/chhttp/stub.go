package chhttp

// TEMPORARY stub until the chhttp branch lands.

import (
	"context"
	"crypto/tls"
	"time"
)

type Config struct {
	Hosts       []string
	Secure      bool
	TLS         *tls.Config
	Username    string
	Password    string
	Database    string
	Compression string
	Strategy    string
	DialTimeout time.Duration
	MaxConns    int
}
type Setting struct{ Key, Value string }
type Client struct{}

func New(Config) (*Client, error) { return &Client{}, nil }
func (c *Client) Insert(ctx context.Context, query string, settings []Setting, body []byte) error {
	return nil
}
func (c *Client) Close() {}

type Exception struct {
	Code    int32
	Message string
	Status  int
}

func (e *Exception) Error() string { return e.Message }
