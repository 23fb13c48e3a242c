package sink

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
)

// Client controls a sink, in this process or a child, through its control
// listener, so that the benchmark does the same either way.
type Client struct {
	URL        string `json:"url"`
	ControlURL string `json:"control_url"`
	stop       func()
}

// Local starts a sink in this process.
func Local(kind string) (*Client, error) {
	s, err := Start(kind)
	if err != nil {
		return nil, err
	}
	return &Client{URL: s.URL, ControlURL: s.ControlURL, stop: s.Close}, nil
}

// Child starts a sink in a child process: exe run with args must call
// ServeChild (the command's "sink" mode).
func Child(exe string, args ...string) (*Client, error) {
	cmd := exec.Command(exe, args...)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var c Client
	line, err := bufio.NewReader(out).ReadBytes('\n')
	if err == nil {
		err = json.Unmarshal(line, &c)
	}
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("sink child: %w", err)
	}
	c.stop = func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	return &c, nil
}

// ServeChild runs a sink until SIGINT or SIGTERM (or SIGKILL, which the
// parent sends), after printing its addresses as one JSON line on stdout
// for Child.
func ServeChild(kind string) error {
	s, err := Start(kind)
	if err != nil {
		return err
	}
	if err := json.NewEncoder(os.Stdout).Encode(Client{URL: s.URL, ControlURL: s.ControlURL}); err != nil {
		return err
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	s.Close()
	return nil
}

// BaseURL is where exporters send.
func (c *Client) BaseURL() string { return c.URL }

// Close stops the sink.
func (c *Client) Close() {
	if c.stop != nil {
		c.stop()
	}
}

var ctl = &http.Client{Timeout: 10 * time.Second}

// Counts reads the sink's counts.
func (c *Client) Counts() (Counts, error) {
	var out Counts
	resp, err := ctl.Get(c.ControlURL + "/counts")
	if err != nil {
		return out, err
	}
	defer resp.Body.Close()
	err = json.NewDecoder(resp.Body).Decode(&out)
	return out, err
}

// Reset forgets everything counted so far.
func (c *Client) Reset() error { return c.post("/reset", nil) }

// Fault makes the sink misbehave for d: mode "down", "429" or "slow"
// (each answer delayed by delay).
func (c *Client) Fault(mode string, d, delay time.Duration) error {
	return c.post("/fault", url.Values{"mode": {mode}, "for": {d.String()}, "delay": {delay.String()}})
}

func (c *Client) post(path string, form url.Values) error {
	resp, err := ctl.PostForm(c.ControlURL+path, form)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("sink %s: %s", path, resp.Status)
	}
	return nil
}
