package api

import (
	"context"
	"sync"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/routes"
)

// definitionsCache keeps the custom field definitions a process last read for each tenant.
// It never has to be right: a create names the version it validated against and the store
// refuses the write if the definitions moved, after which the cache is refreshed.
type definitionsCache struct {
	mu       sync.Mutex
	byTenant map[string]cachedDefinitions
}

type cachedDefinitions struct {
	defs    domain.Definitions
	version int64
}

// maxCachedTenants bounds the cache; past it, it starts over.
const maxCachedTenants = 10000

func (a *API) cachedDefinitions(ctx context.Context, tenant string, fresh bool) (domain.Definitions, int64, error) {
	c := &a.definitions
	c.mu.Lock()
	cached, ok := c.byTenant[cacheKey(ctx, tenant)]
	c.mu.Unlock()
	if ok && !fresh {
		return cached.defs, cached.version, nil
	}
	defs, version, err := a.Fields.GetDefinitions(ctx, tenant)
	if err != nil {
		return nil, 0, err
	}
	a.rememberDefinitions(ctx, tenant, defs, version)
	return defs, version, nil
}

func (a *API) rememberDefinitions(ctx context.Context, tenant string, defs domain.Definitions, version int64) {
	c := &a.definitions
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byTenant == nil || len(c.byTenant) >= maxCachedTenants {
		c.byTenant = map[string]cachedDefinitions{}
	}
	c.byTenant[cacheKey(ctx, tenant)] = cachedDefinitions{defs: defs, version: version}
}

// cacheKey keys a tenant's cached data by the function that reads it too. In Lambda a
// process runs one function, so this changes nothing; the local stack runs them all in one
// process, and each then reads and caches as its Lambda would, apart.
func cacheKey(ctx context.Context, tenant string) string {
	return routes.FunctionOf(ctx) + "\x00" + tenant
}
