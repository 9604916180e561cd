package api

import (
	"context"
	"errors"
	"slices"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/retry"
	"github.com/clientdesk/clientdesk/internal/store"
)

// changeDefinitions reads the tenant's definitions, lets change compute the new set, and
// writes it on condition that nobody changed the set meanwhile; if somebody did, it reads
// again and re-applies change, whose own checks (If-Match on one definition) see the news.
// change may return the idempotency record of the request, written in the same transaction.
func (a *API) changeDefinitions(ctx context.Context, tenant string,
	change func(domain.Definitions) (domain.Definitions, *store.Idempotency, error)) error {
	return retry.OnConflict(ctx, 4, func(int) error {
		defs, version, err := a.Fields.GetDefinitions(ctx, tenant)
		if err != nil {
			return err
		}
		next, idem, err := change(slices.Clone(defs))
		if err != nil {
			return err
		}
		next.Sort()
		if err := next.CheckSize(); err != nil {
			return err
		}
		err = a.Fields.PutDefinitions(ctx, tenant, next, version, idem)
		if errors.Is(err, store.ErrDefinitionsChanged) {
			return retry.Conflict(&domain.Error{Code: domain.CodeUnavailable})
		}
		if err == nil {
			a.rememberDefinitions(ctx, tenant, next, version+1)
		}
		return err
	})
}

// fieldKey reads the {key} path parameter.
func (r *request) fieldKey() string { return r.PathParameters["key"] }

func findField(defs domain.Definitions, key string) (int, error) {
	i := slices.IndexFunc(defs, func(d domain.FieldDefinition) bool { return d.Key == key })
	if i < 0 {
		return -1, &domain.Error{Code: domain.CodeFieldNotFound}
	}
	return i, nil
}
