package main

import (
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi-cloud-sdk/go/apitype"
)

func TestDecodeStrictAcceptsTheOfficialShapes(t *testing.T) {
	list := `{"agentPools":[{"created":1,"id":"p","name":"n","description":"","lastSeen":0,"status":"offline","isDefault":false},` +
		`{"created":1,"id":"q","name":"m","description":"d","lastSeen":5,"status":"online","lastDeployment":7,"isDefault":true}],"defaultAgentPoolID":"q"}`
	got, err := decodeStrict[apitype.ListAgentPoolsResponse]([]byte(list))
	if err != nil {
		t.Fatal(err)
	}
	if *got.DefaultAgentPoolID != "q" || *got.AgentPools[1].LastDeployment != 7 {
		t.Fatalf("decoded %+v", got)
	}
	if _, err := decodeStrict[apitype.ListAgentPoolsResponse]([]byte(`{"agentPools":[]}`)); err != nil {
		t.Fatal(err)
	}
}

func TestDecodeStrictRefuses(t *testing.T) {
	agent := func(fields string) string {
		return `{"created":1,"id":"p","name":"n","description":"","agents":[{` + fields + `}]}`
	}
	const ok = `"version":"v","platform":"p","hostname":"h","ip":"i","lastSeen":1`
	for _, c := range []struct{ body, about string }{
		{`{"agentPools":[{"created":1,"id":"p","name":"n","description":"","lastSeen":0,"status":"offline","lastDeployment":null,"isDefault":false}]}`, "lastDeployment is null"},
		{`{"agentPools":[],"defaultAgentPoolID":null}`, "defaultAgentPoolID is null"},
		{`{"agentPools":[],"defaultAgentPoolId":"q"}`, "spells differently"},
		{`{"agentPools":[],"colour":"q"}`, "unknown field"},
		{`{"agentPools":null}`, "agentPools is null"},
		{`{}`, `no "agentPools"`},
		{agent(ok + `,"pid":"1","status":"busy"`), "not a value of DeploymentAgentStatus"},
		{agent(ok + `,"pid":1,"status":"online"`), "cannot unmarshal number"},
		{agent(ok + `,"status":"online"`), `no "pid"`},
		{`{"agentPools":[]} {}`, "data after"},
	} {
		var err error
		if strings.Contains(c.body, `"agents"`) {
			_, err = decodeStrict[apitype.AgentPoolDetail]([]byte(c.body))
		} else {
			_, err = decodeStrict[apitype.ListAgentPoolsResponse]([]byte(c.body))
		}
		if err == nil || !strings.Contains(err.Error(), c.about) {
			t.Errorf("%s: got %v, want an error about %q", c.body, err, c.about)
		}
	}
}

func TestDecodeStrictChecksSelfDecodingTypesByDecodingThem(t *testing.T) {
	type withTime struct {
		Created time.Time `json:"created"`
	}
	if _, err := decodeStrict[withTime]([]byte(`{"created":"2024-01-01T00:00:00Z"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := decodeStrict[withTime]([]byte(`{"created":"yesterday"}`)); err == nil {
		t.Fatal("a time that is not RFC 3339 was accepted")
	}
}
