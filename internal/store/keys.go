package store

import (
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// Every key starts with the tenant, which comes from the caller's verified token: a request can
// only ever name items of its own tenant. Tenant ids never contain '#' (auth checks it).

const (
	clientSK      = "C"
	uniqueSK      = "U"
	idempotencySK = "I"
	fieldsSK      = "F"
	// statsShards are the tenant's counter items: each client write moves one, chosen by
	// the client's id, so that concurrent writes rarely meet on one (a transaction that
	// meets another in flight is cancelled, and retried). They lie in statsPartitions
	// partitions (shard s in partition s mod 8), so that a burst of writes (an import's
	// commit at 500 clients a second, 2 write units each) spreads over 8 partition keys
	// instead of reaching DynamoDB's 1,000 units a second on one; GetStats sums them with
	// one Query a partition, at once.
	statsShards     = 64
	statsPartitions = 8
	// defsMarkers are copies of the definitions' version that a create checks (one, chosen
	// at random), so that concurrent creates do not all hold the one definitions item.
	defsMarkers = 32
)

// tenantPrefix begins every key of a tenant's items.
func tenantPrefix(tenant string) string { return "T#" + tenant + "#" }

func clientPK(tenant, id string) string { return "T#" + tenant + "#C#" + id }

// tabPK partitions a tenant's clients by the list tab they appear in.
func tabPK(tenant string, archived bool) string {
	if archived {
		return "T#" + tenant + "#CL#A1"
	}
	return "T#" + tenant + "#CL#A0"
}

// statusPK partitions a tab's clients by status.
func statusPK(tenant string, status domain.Status, archived bool) string {
	return tabPK(tenant, archived) + "#S#" + string(status)
}

// nameKey sorts by last name, then first name, then company, ignoring case and accents.
func nameKey(c *domain.Client) string {
	var parts []string
	for _, s := range []string{c.LastName, c.FirstName, c.CompanyName} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, domain.Fold(s))
		}
	}
	name := strings.Join(parts, " ")
	if len(name) > 300 {
		name = name[:300]
	}
	return name + "#" + c.ID
}

// updatedKey sorts by update time; the fixed-width format sorts as text.
func updatedKey(c *domain.Client) string {
	return c.UpdatedAt.UTC().Format(timeKeyLayout) + "#" + c.ID
}

const timeKeyLayout = "2006-01-02T15:04:05.000Z"

// termsPK holds one item per (word, client) of the words that share a shard
// (domain.TermShard): the search index of a tenant, spread over many partitions.
func termsPK(tenant, word string) string { return "T#" + tenant + "#W#" + domain.TermShard(word) }

func termSK(term, id string) string { return term + "#" + id }

// tagPK holds one item per client of a tab carrying a tag (folded): a tag's page needs no
// filter on the tab.
func tagPK(tenant, tagKey string, archived bool) string {
	return tabPK(tenant, archived) + "#TAG#" + tagKey
}

// managerPK holds one item per client whose management team has the staff member sub.
func managerPK(tenant, sub string) string { return "T#" + tenant + "#MGR#" + sub }

// uniquePK claims a value (an email, a client code) for one client of a tenant.
func uniquePK(tenant, kind, value string) string { return "T#" + tenant + "#U#" + kind + "#" + value }

func idempotencyPK(tenant, scope, key string) string {
	return "T#" + tenant + "#I#" + scope + "#" + key
}

func fieldsPK(tenant string) string { return "T#" + tenant + "#FIELDS" }

// invitationHourPK counts a tenant's invitation e-mails, one item per hour.
func invitationHourPK(tenant string) string { return "T#" + tenant + "#RATE#INV" }

// statsPK is the partition of a tenant's counters that holds shard (see statsShards).
func statsPK(tenant string, shard int) string {
	return "T#" + tenant + "#STATS#" + strconv.Itoa(shard%statsPartitions)
}

func statsSK(shard int) string {
	if shard < 10 {
		return "S#" + string(rune('0'+shard)) // the first ten, as they have always been named
	}
	return "S#" + strconv.Itoa(shard)
}

// defsMarkerSK is one of the definitions' version markers, under fieldsPK.
func defsMarkerSK(i int) string { return "V#" + strconv.Itoa(i) }

// statsAttr names the counter of a status in a tab.
func statsAttr(status domain.Status, archived bool) string {
	if archived {
		return string(status) + "_a1"
	}
	return string(status) + "_a0"
}

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		Schema.Keys.Partition: &types.AttributeValueMemberS{Value: pk},
		Schema.Keys.Sort:      &types.AttributeValueMemberS{Value: sk},
	}
}

// idBound is the smallest UUIDv7 text at or after t: ids begin with their creation time in
// milliseconds, so a time range is a key range.
func idBound(t time.Time) string {
	ms := uint64(t.UnixMilli())
	const hex = "0123456789abcdef"
	var b [13]byte
	for i := 11; i >= 0; i-- {
		b[i] = hex[ms&0xf]
		ms >>= 4
	}
	// 48 bits of milliseconds: 8 hex digits, a dash, 4 hex digits.
	return string(b[0:8]) + "-" + string(b[8:12])
}
