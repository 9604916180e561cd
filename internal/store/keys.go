package store

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Every key starts with the tenant, which comes from the caller's verified token: a request can
// only ever name items of its own tenant. Tenant ids never contain '#' (auth checks it).

const (
	clientSK      = "C"
	uniqueSK      = "U"
	idempotencySK = "I"
)

func clientPK(tenant, id string) string { return "T#" + tenant + "#C#" + id }

// listPK partitions a tenant's clients by the list tab they appear in.
func listPK(tenant string, archived bool) string {
	if archived {
		return "T#" + tenant + "#CL#A1"
	}
	return "T#" + tenant + "#CL#A0"
}

// uniquePK claims a value (an email, a client code) for one client of a tenant.
func uniquePK(tenant, kind, value string) string { return "T#" + tenant + "#U#" + kind + "#" + value }

func idempotencyPK(tenant, scope, key string) string {
	return "T#" + tenant + "#I#" + scope + "#" + key
}

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		Schema.Keys.Partition: &types.AttributeValueMemberS{Value: pk},
		Schema.Keys.Sort:      &types.AttributeValueMemberS{Value: sk},
	}
}
