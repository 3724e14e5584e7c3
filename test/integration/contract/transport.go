package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/pulumi/pulumi-cloud-sdk/go/apiclient"
)

var httpClient = &http.Client{Timeout: 15 * time.Second}

// exchange is the last request the official client sent and the answer it got, as raw bytes.
type exchange struct {
	status int
	header http.Header
	body   []byte
}

// client is the official CloudClient, with an executor that adds the access token (the SDK
// leaves authentication to the executor), can alter a request before it goes out (for the
// requests the typed client cannot send), and keeps a copy of the answer for strict checks.
type client struct {
	*apiclient.CloudClient
	last   exchange
	alter  func(*http.Request)
	client *http.Client
}

func newClient(baseURL, token string) *client {
	c := &client{client: httpClient}
	c.CloudClient = &apiclient.CloudClient{
		BaseURL: baseURL,
		Executor: func(req *http.Request) (*http.Response, error) {
			if token != "" {
				req.Header.Set("Authorization", "token "+token)
			}
			if c.alter != nil {
				c.alter(req)
			}
			resp, err := c.client.Do(req)
			if err != nil {
				return nil, err
			}
			body, err := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if err != nil {
				return nil, err
			}
			c.last = exchange{status: resp.StatusCode, header: resp.Header, body: body}
			resp.Body = io.NopCloser(bytes.NewReader(body))
			return resp, nil
		},
	}
	return c
}

// withBody makes the next requests carry this raw body instead of the one the SDK serialized.
func withBody(body string) func(*http.Request) {
	return func(req *http.Request) {
		req.Body = io.NopCloser(strings.NewReader(body))
		req.ContentLength = int64(len(body))
	}
}

// withQuery makes the next requests carry this raw query string.
func withQuery(query string) func(*http.Request) {
	return func(req *http.Request) { req.URL.RawQuery = query }
}

// expectStatus checks the last answer's HTTP status.
func (c *client) expectStatus(status int) error {
	if c.last.status != status {
		return fmt.Errorf("HTTP %d, want %d (body %s)", c.last.status, status, clip(c.last.body))
	}
	return nil
}

// expectError checks that err is the official client's APIError for `status`, that the answer was
// a well-formed {code, message} with that code, and that the message mentions `about`.
func (c *client) expectError(err error, status int, about string) error {
	if err == nil {
		return fmt.Errorf("succeeded (HTTP %d), want HTTP %d", c.last.status, status)
	}
	var apiErr *apiclient.APIError
	if !errors.As(err, &apiErr) {
		return fmt.Errorf("want an APIError with HTTP %d, got %w", status, err)
	}
	if apiErr.HTTPStatusCode() != status || c.last.status != status {
		return fmt.Errorf("HTTP %d (code %d), want %d: %v", c.last.status, apiErr.HTTPStatusCode(), status, err)
	}
	body, decodeErr := decodeStrict[errorBody](c.last.body)
	if decodeErr != nil {
		return fmt.Errorf("error body: %w", decodeErr)
	}
	if body.Code != status || body.Message == "" {
		return fmt.Errorf("error body %s: want code %d and a message", clip(c.last.body), status)
	}
	if about != "" && !strings.Contains(body.Message, about) {
		return fmt.Errorf("message %q does not mention %q", body.Message, about)
	}
	return nil
}

// admin calls one of the emulator's /_emulator/ routes, which stand in for what the real service
// has but its API cannot create (runners, stacks using a pool, the default pool).
func admin(baseURL, method, path string, body any) error {
	var reader io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, strings.TrimRight(baseURL, "/")+"/_emulator/"+path, reader)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := httpClient.Do(req)
	if err != nil {
		return fmt.Errorf("admin %s %s: %w", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	answer, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("admin %s %s: HTTP %d %s", method, path, resp.StatusCode, clip(answer))
	}
	return nil
}
