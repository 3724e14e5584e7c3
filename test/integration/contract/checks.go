package main

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/pulumi/pulumi-cloud-sdk/go/apitype"
)

var errNoPool = errors.New("no pool to work on: an earlier check failed")

// run performs every check in order; later checks use the pools the earlier ones made.
func (s *suite) run() {
	c := s.client()
	prefix := "contract-" + randomSuffix()
	var a, b, busy string // pool ids
	var aToken string
	pools := func() (*apitype.ListAgentPoolsResponse, error) {
		if _, err := c.ListOrgAgentPool(s.ctx, s.org); err != nil {
			return nil, err
		}
		if err := c.expectStatus(http.StatusOK); err != nil {
			return nil, err
		}
		return decodeStrict[apitype.ListAgentPoolsResponse](c.last.body)
	}
	detail := func(id string) (*apitype.AgentPoolDetail, error) {
		if _, err := c.GetAgentPool(s.ctx, s.org, id); err != nil {
			return nil, err
		}
		if err := c.expectStatus(http.StatusOK); err != nil {
			return nil, err
		}
		return decodeStrict[apitype.AgentPoolDetail](c.last.body)
	}
	patch := func(id, name, description string) error {
		if id == "" {
			return errNoPool
		}
		if _, err := c.PatchOrgAgentPool(s.ctx, s.org, id, apitype.CreateOrgAgentPoolRequest{Name: name, Description: description}); err != nil {
			return err
		}
		if err := c.expectStatus(http.StatusOK); err != nil {
			return err
		}
		got, err := decodeStrict[apitype.PatchOrgAgentPoolResponse](c.last.body)
		if err != nil {
			return err
		}
		if got.Name != name || got.Description != description {
			return fmt.Errorf("answered %+v, want name %q and description %q", *got, name, description)
		}
		pool, err := detail(id)
		if err != nil {
			return err
		}
		if pool.Name != name || pool.Description != description {
			return fmt.Errorf("then get says name %q, description %q", pool.Name, pool.Description)
		}
		return nil
	}
	create := func(name, description string) (*apitype.CreateAccessTokenResponse, error) {
		if _, err := c.CreateOrgAgentPool(s.ctx, s.org, apitype.CreateOrgAgentPoolRequest{Name: name, Description: description}); err != nil {
			return nil, err
		}
		if err := c.expectStatus(http.StatusOK); err != nil {
			return nil, err
		}
		created, err := decodeStrict[apitype.CreateAccessTokenResponse](c.last.body)
		if err != nil {
			return nil, err
		}
		if created.ID == "" || created.TokenValue == "" {
			return nil, fmt.Errorf("empty id or token in %s", clip(c.last.body))
		}
		return created, nil
	}
	gone := func(id string) error {
		_, err := c.GetAgentPool(s.ctx, s.org, id)
		if err := c.expectError(err, http.StatusNotFound, ""); err != nil {
			return fmt.Errorf("then get: %w", err)
		}
		return nil
	}
	// forceDelete deletes the pool with force=true: a 204, and then the pool is gone.
	forceDelete := func(id string) error {
		if id == "" {
			return errNoPool
		}
		yes := true
		if err := c.DeleteOrgAgentPool(s.ctx, s.org, id, &yes); err != nil {
			return err
		}
		if err := c.expectStatus(http.StatusNoContent); err != nil {
			return err
		}
		return gone(id)
	}

	s.check("create", func() error {
		created, err := create(prefix+"-a", "first")
		if err != nil {
			return err
		}
		a, aToken = created.ID, created.TokenValue
		created, err = create(prefix+"-b", "")
		if err != nil {
			return err
		}
		b = created.ID
		return nil
	})

	s.check("list-without-default", func() error {
		list, err := pools()
		if err != nil {
			return err
		}
		if list.DefaultAgentPoolID != nil {
			return fmt.Errorf("defaultAgentPoolID is %q though no default was set", *list.DefaultAgentPoolID)
		}
		pool := find(list, a)
		if pool == nil {
			return fmt.Errorf("pool %s not in the list", a)
		}
		if pool.Name != prefix+"-a" || pool.Description != "first" || pool.IsDefault || pool.LastDeployment != nil {
			return fmt.Errorf("pool listed as %+v", *pool)
		}
		if pool.Status != apitype.DeploymentAgentStatusOffline || pool.LastSeen != 0 || pool.Created <= 0 {
			return fmt.Errorf("a pool without agents listed with status %q, lastSeen %d, created %d", pool.Status, pool.LastSeen, pool.Created)
		}
		return nil
	})

	s.check("list-with-default", func() error {
		if a == "" || b == "" {
			return errNoPool
		}
		if err := admin(s.url, "PUT", s.poolPath(b, "default"), nil); err != nil {
			return err
		}
		if err := admin(s.url, "PUT", s.poolPath(a, "last-deployment"), map[string]any{"at": 1715701900000}); err != nil {
			return err
		}
		list, err := pools()
		if err != nil {
			return err
		}
		if list.DefaultAgentPoolID == nil || *list.DefaultAgentPoolID != b {
			return fmt.Errorf("defaultAgentPoolID is %v, want %s", list.DefaultAgentPoolID, b)
		}
		pa, pb := find(list, a), find(list, b)
		if pa == nil || pb == nil {
			return fmt.Errorf("pools missing from the list")
		}
		if !pb.IsDefault || pa.IsDefault {
			return fmt.Errorf("isDefault: %t for the default, %t for the other", pb.IsDefault, pa.IsDefault)
		}
		if pa.LastDeployment == nil || *pa.LastDeployment != 1715701900000 || pb.LastDeployment != nil {
			return fmt.Errorf("lastDeployment %v and %v, want 1715701900000 and none", pa.LastDeployment, pb.LastDeployment)
		}
		return nil
	})

	// The org's default pool: the SDK's UpdateOrganizationSettings sends UpdateOrganizationRequest with
	// only setDefaultAgentPoolID, and the answer decodes strictly as OrganizationMetadata.
	setDefault := func(id string) error {
		if _, err := c.UpdateOrganizationSettings(s.ctx, s.org, apitype.UpdateOrganizationRequest{SetDefaultAgentPoolID: &id}); err != nil {
			return err
		}
		if err := c.expectStatus(http.StatusOK); err != nil {
			return err
		}
		_, err := decodeStrict[apitype.OrganizationMetadata](c.last.body)
		return err
	}
	defaultIs := func(want string) error {
		list, err := pools()
		if err != nil {
			return err
		}
		got := ""
		if list.DefaultAgentPoolID != nil {
			got = *list.DefaultAgentPoolID
		}
		if got != want {
			return fmt.Errorf("defaultAgentPoolID is %q, want %q", got, want)
		}
		return nil
	}
	s.check("org-set-default", func() error {
		if a == "" || b == "" {
			return errNoPool
		}
		if err := setDefault(a); err != nil {
			return err
		}
		return defaultIs(a)
	})
	s.check("org-revert-default", func() error {
		if b == "" {
			return errNoPool
		}
		if err := setDefault(""); err != nil {
			return err
		}
		if err := defaultIs(""); err != nil {
			return err
		}
		// Back to b, as the later checks expect.
		if err := setDefault(b); err != nil {
			return err
		}
		return defaultIs(b)
	})
	s.check("error-400-org-unknown-pool", func() error {
		unknown := "no-such-pool"
		_, err := c.UpdateOrganizationSettings(s.ctx, s.org, apitype.UpdateOrganizationRequest{SetDefaultAgentPoolID: &unknown})
		if err := c.expectError(err, http.StatusBadRequest, "Invalid organization settings"); err != nil {
			return err
		}
		return defaultIs(b)
	})

	s.check("get-with-agents", func() error {
		if a == "" {
			return errNoPool
		}
		// One runner added by pool id, one connecting with the pool token as the runner software does.
		online := map[string]any{"hostname": "runner-on", "ip": "10.0.0.1", "pid": "101", "version": "v1.2.3", "platform": "linux-amd64", "lastSeen": 1715701863000, "status": "online"}
		if err := admin(s.url, "POST", s.poolPath(a, "agents"), online); err != nil {
			return err
		}
		offline := map[string]any{"token": aToken, "hostname": "runner-off", "pid": "202", "lastSeen": 1715701800000, "status": "offline"}
		if err := admin(s.url, "POST", "agents", offline); err != nil {
			return err
		}
		pool, err := detail(a)
		if err != nil {
			return err
		}
		if pool.ID != a || pool.Name != prefix+"-a" || pool.Description != "first" || pool.Created <= 0 {
			return fmt.Errorf("pool is %+v", *pool)
		}
		var seen []string
		for _, agent := range pool.Agents {
			seen = append(seen, fmt.Sprintf("%s/%s/%s/%d", agent.Hostname, agent.PID, agent.Status, agent.LastSeen))
		}
		want := []string{"runner-on/101/online/1715701863000", "runner-off/202/offline/1715701800000"}
		if !slices.Equal(seen, want) {
			return fmt.Errorf("agents %v, want %v", seen, want)
		}
		for _, status := range apitype.DeploymentAgentStatus("").AllValues() {
			if !slices.ContainsFunc(pool.Agents, func(ag *apitype.DeploymentAgentMetadata) bool { return ag.Status == status }) {
				return fmt.Errorf("no agent with status %q", status)
			}
		}
		list, err := pools()
		if err != nil {
			return err
		}
		if p := find(list, a); p == nil || p.Status != apitype.DeploymentAgentStatusOnline || p.LastSeen != 1715701863000 {
			return fmt.Errorf("the list does not show the pool online, last seen when its newest agent was")
		}
		return nil
	})

	s.check("update-name", func() error { return patch(a, prefix+"-renamed", "first") })
	s.check("update-description", func() error { return patch(a, prefix+"-renamed", "second") })
	s.check("clear-description", func() error { return patch(a, prefix+"-renamed", "") })

	s.check("delete", func() error {
		if b == "" {
			return errNoPool
		}
		if err := c.DeleteOrgAgentPool(s.ctx, s.org, b, nil); err != nil {
			return err
		}
		if err := c.expectStatus(http.StatusNoContent); err != nil {
			return err
		}
		if len(c.last.body) != 0 {
			return fmt.Errorf("204 with a body: %s", clip(c.last.body))
		}
		list, err := pools()
		if err != nil {
			return err
		}
		if list.DefaultAgentPoolID != nil {
			return fmt.Errorf("the deleted default pool is still the default")
		}
		return gone(b)
	})

	s.check("error-409-duplicate-name", func() error {
		created, err := create(prefix+"-busy", "")
		if err != nil {
			return err
		}
		busy = created.ID
		_, err = c.CreateOrgAgentPool(s.ctx, s.org, apitype.CreateOrgAgentPoolRequest{Name: prefix + "-busy", Description: "again"})
		return c.expectError(err, http.StatusConflict, "")
	})

	s.check("error-404-get", func() error {
		_, err := c.GetAgentPool(s.ctx, s.org, "no-such-pool")
		return c.expectError(err, http.StatusNotFound, "")
	})
	s.check("error-404-update", func() error {
		_, err := c.PatchOrgAgentPool(s.ctx, s.org, "no-such-pool", apitype.CreateOrgAgentPoolRequest{Name: "x", Description: ""})
		return c.expectError(err, http.StatusNotFound, "")
	})
	s.check("error-404-delete", func() error {
		return c.expectError(c.DeleteOrgAgentPool(s.ctx, s.org, "no-such-pool", nil), http.StatusNotFound, "")
	})

	s.check("error-400-in-use", func() error {
		if busy == "" {
			return errNoPool
		}
		if err := admin(s.url, "PUT", s.poolPath(busy, "in-use"), map[string]any{"stacks": []string{s.org + "/app/prod"}}); err != nil {
			return err
		}
		if err := c.expectError(c.DeleteOrgAgentPool(s.ctx, s.org, busy, nil), http.StatusBadRequest, "in use"); err != nil {
			return err
		}
		no := false
		if err := c.expectError(c.DeleteOrgAgentPool(s.ctx, s.org, busy, &no), http.StatusBadRequest, "in use"); err != nil {
			return fmt.Errorf("with force=false: %w", err)
		}
		_, err := detail(busy)
		return err
	})

	s.check("delete-force", func() error { return forceDelete(busy) })

	s.check("error-401-bad-token", func() error {
		bad := newClient(s.url, "pul-0000000000000000000000000000000000000000")
		_, err := bad.ListOrgAgentPool(s.ctx, s.org)
		if err := bad.expectError(err, http.StatusUnauthorized, ""); err != nil {
			return err
		}
		none := newClient(s.url, "")
		_, err = none.ListOrgAgentPool(s.ctx, s.org)
		if err := none.expectError(err, http.StatusUnauthorized, ""); err != nil {
			return fmt.Errorf("without a token: %w", err)
		}
		return nil
	})

	s.check("error-403-org", func() error {
		_, err := c.ListOrgAgentPool(s.ctx, s.forbidden)
		return c.expectError(err, http.StatusForbidden, "")
	})

	// The typed client always sends a complete body and a boolean force; these alter its request
	// on the way out, and still read the answer through it. Each body below replaces the typed
	// client's own, and must be refused with a 400 whose message names what is wrong.
	for _, bad := range []struct {
		name  string
		patch bool // a PATCH of pool a; else a create
		body  string
		names string
	}{
		{"error-400-patch-without-description", true, `{"name":"x"}`, "description"},
		{"error-400-patch-without-name", true, `{"description":"x"}`, "name"},
		{"error-400-wrong-type", false, `{"name":42,"description":""}`, "name"},
		{"error-400-not-json", false, `{"name":`, "JSON"},
	} {
		s.check(bad.name, func() error {
			if bad.patch && a == "" {
				return errNoPool
			}
			raw := s.client()
			raw.alter = withBody(bad.body)
			body := apitype.CreateOrgAgentPoolRequest{Name: "x", Description: ""}
			var err error
			if bad.patch {
				_, err = raw.PatchOrgAgentPool(s.ctx, s.org, a, body)
			} else {
				_, err = raw.CreateOrgAgentPool(s.ctx, s.org, body)
			}
			return raw.expectError(err, http.StatusBadRequest, bad.names)
		})
	}
	s.check("error-400-force-not-boolean", func() error {
		if a == "" {
			return errNoPool
		}
		raw := s.client()
		raw.alter = withQuery("force=maybe")
		yes := true
		if err := raw.expectError(raw.DeleteOrgAgentPool(s.ctx, s.org, a, &yes), http.StatusBadRequest, "force"); err != nil {
			return err
		}
		_, err := detail(a)
		return err
	})

	s.check("cleanup", func() error { return forceDelete(a) })
}

func find(list *apitype.ListAgentPoolsResponse, id string) *apitype.AgentPool {
	for _, p := range list.AgentPools {
		if p.ID == id {
			return p
		}
	}
	return nil
}
