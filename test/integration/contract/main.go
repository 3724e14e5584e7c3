// Command contract drives an agent-pools API (the emulator of this repository) through Pulumi's
// official Go SDK of the Cloud API, github.com/pulumi/pulumi-cloud-sdk/go, and checks each answer
// against the SDK's types. It prints one line per check, "PASS <name>" or "FAIL <name>: <why>",
// then "RESULT <n> passed, <m> failed", and exits 1 when any check failed (2 on bad usage).
//
//	PULUMI_ACCESS_TOKEN=… go run . -url http://127.0.0.1:8080 [-org acme] [-forbidden-org other]
//
// The emulator's /_emulator/ admin routes set up what the API cannot: runners, stacks using a
// pool, the default pool and a past deployment.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	neturl "net/url"
	"os"
)

func main() {
	url := flag.String("url", os.Getenv("PULUMI_API"), "API URL of the emulator (default $PULUMI_API)")
	token := flag.String("token", "", "access token (default $PULUMI_ACCESS_TOKEN; prefer the variable)")
	org := flag.String("org", "acme", "an org the token may use")
	forbidden := flag.String("forbidden-org", "not-mine", "an org the token may not use")
	flag.Parse()
	if *token == "" {
		*token = os.Getenv("PULUMI_ACCESS_TOKEN")
	}
	if *url == "" || *token == "" {
		fmt.Fprintln(os.Stderr, "contract: give the API URL (-url or PULUMI_API) and a token (PULUMI_ACCESS_TOKEN)")
		os.Exit(2)
	}
	if u, err := neturl.Parse(*url); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fmt.Fprintf(os.Stderr, "contract: %q is not an http(s) URL\n", *url)
		os.Exit(2)
	}
	s := &suite{ctx: context.Background(), url: *url, token: *token, org: *org, forbidden: *forbidden}
	s.run()
	fmt.Printf("RESULT %d passed, %d failed\n", s.passed, s.failed)
	if s.failed > 0 {
		os.Exit(1)
	}
}

type suite struct {
	ctx            context.Context
	url, token     string
	org, forbidden string
	passed, failed int
}

func (s *suite) check(name string, fn func() error) {
	if err := fn(); err != nil {
		s.failed++
		fmt.Printf("FAIL %s: %v\n", name, err)
		return
	}
	s.passed++
	fmt.Printf("PASS %s\n", name)
}

func (s *suite) client() *client { return newClient(s.url, s.token) }

func (s *suite) poolPath(id, what string) string {
	return fmt.Sprintf("orgs/%s/agent-pools/%s/%s", s.org, id, what)
}

func randomSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
