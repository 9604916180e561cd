package store

import (
	"context"
	"errors"
	"hash/fnv"
	"maps"
	"math"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// FanShards is how many partition keys a partition that every client of a tenant may write
// is split into: a search word's entries and a tag's members are filed in the shard of their
// client's id (fanShard), so that a burst of writes that all carry one word or one tag (an
// import's commit, where every row may have the same tag or the same e-mail domain) spreads
// over FanShards partition keys. DynamoDB takes 1,000 write units a second on one partition
// key, and an item written in a transaction costs 2 units a KB: unsharded, an import at 500
// rows a second whose rows share a tag puts 1,000 units a second on that tag's partition;
// in two shards, 500 on each.
//
// A reader Queries every shard (queryShards) and merges their items in key order, so a
// sharded partition reads as one: the same items, in the same order, paged by the same
// positions. The price is a Query per shard per page, and the items one shard reads beyond
// what the page takes: two shards keep it at about a quarter more items read than one.
const FanShards = 2

// fanShard is the shard of a client's entries in a sharded partition.
func fanShard(id string) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % FanShards)
}

// shardPK is the partition key of one shard of a sharded partition pk.
func shardPK(pk string, shard int) string { return pk + "#" + strconv.Itoa(shard) }

// read runs a plan's Query: on each shard of its partition when it is sharded.
func (s *Store) read(ctx context.Context, p *queryPlan) (*dynamodb.QueryOutput, error) {
	if p.sharded {
		return s.queryShards(ctx, p.in)
	}
	return s.db.Query(ctx, p.in)
}

// shardAttr names, in a position of a sharded partition (a merged Query's LastEvaluatedKey,
// a cursor), the sort key of the last item taken from one shard: where that shard's next
// Query starts. A shard none of whose items was taken yet has none, and starts at its
// beginning: every item it holds comes after the position. So each shard starts after an
// item it really holds, and never after a key it does not hold.
func shardAttr(shard int) string { return "@" + strconv.Itoa(shard) }

// queryShards runs in, a Query of a sharded partition (its :pk the partition as a whole,
// its ExclusiveStartKey a position in it), on each shard, and answers as a Query of the
// whole partition would: at most Limit items in the Query's order (sort key, ascending or
// descending), and a LastEvaluatedKey when more may follow. Each item it returns is named
// by the whole partition and carries the position after it (shardAttr), so that a page may
// end at any of them.
//
// Each shard is first asked for its share of the page (Limit ÷ shards, plus two); a shard
// whose items run out before the page is full, and that has more, is asked again for what
// the page still lacks. An item is only taken once every shard that has more has answered
// beyond it, so the page is exactly the first Limit items of the partition after the
// position, whatever each shard's answers hold (DynamoDB may stop a Query's page at 1 MB).
func (s *Store) queryShards(ctx context.Context, in *dynamodb.QueryInput) (*dynamodb.QueryOutput, error) {
	pk := in.ExpressionAttributeValues[":pk"].(*types.AttributeValueMemberS).Value
	limit := int(aws.ToInt32(in.Limit))
	if limit <= 0 {
		limit = 1000
	}
	forward := in.ScanIndexForward == nil || *in.ScanIndexForward
	type stream struct {
		in    *dynamodb.QueryInput
		items []map[string]types.AttributeValue
		done  bool
	}
	streams := make([]*stream, FanShards)
	at := map[string]types.AttributeValue{} // the position after the last item taken
	for i := range streams {
		sin := *in
		sin.ExpressionAttributeValues = maps.Clone(in.ExpressionAttributeValues)
		sin.ExpressionAttributeValues[":pk"] = str(shardPK(pk, i))
		sin.ExclusiveStartKey = nil
		if sk := attrString(in.ExclusiveStartKey, shardAttr(i)); sk != "" {
			sin.ExclusiveStartKey = key(shardPK(pk, i), sk)
			at[shardAttr(i)] = str(sk)
		}
		streams[i] = &stream{in: &sin}
	}
	fetch := func(st *stream, n int) error {
		for len(st.items) == 0 && !st.done {
			st.in.Limit = aws.Int32(int32(min(n, 1000)))
			out, err := s.db.Query(ctx, st.in)
			if err != nil {
				return err
			}
			st.items = append(st.items, out.Items...)
			st.done = out.LastEvaluatedKey == nil
			st.in.ExclusiveStartKey = out.LastEvaluatedKey
		}
		return nil
	}
	var wg sync.WaitGroup
	errs := make([]error, FanShards)
	for i, st := range streams {
		wg.Go(func() { errs[i] = fetch(st, min(limit, limit/FanShards+2)) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	before := func(a, b map[string]types.AttributeValue) bool {
		x, y := attrString(a, Schema.Keys.Sort), attrString(b, Schema.Keys.Sort)
		if forward {
			return x < y
		}
		return x > y
	}
	out := &dynamodb.QueryOutput{}
	for len(out.Items) < limit {
		next := -1
		for i, st := range streams {
			if err := fetch(st, limit-len(out.Items)); err != nil {
				return nil, err
			}
			if len(st.items) > 0 && (next < 0 || before(st.items[0], streams[next].items[0])) {
				next = i
			}
		}
		if next < 0 {
			return out, nil
		}
		item := streams[next].items[0]
		streams[next].items = streams[next].items[1:]
		at[shardAttr(next)] = item[Schema.Keys.Sort]
		item[Schema.Keys.Partition] = str(pk)
		maps.Copy(item, at)
		out.Items = append(out.Items, item)
	}
	for _, st := range streams {
		if len(st.items) > 0 || !st.done {
			last := out.Items[len(out.Items)-1]
			out.LastEvaluatedKey = key(pk, attrString(last, Schema.Keys.Sort))
			maps.Copy(out.LastEvaluatedKey, at)
			break
		}
	}
	return out, nil
}

// HotWriteUnits is what one write of c costs, at most, on a partition key that every client
// of a tenant may share, in write units (1 a KB, 2 in a transaction): the tab's partition of
// each list index takes a copy of the client, and each of its words' and tags' entries goes
// to the shard of its client (FanShards) of a key that every client with that word or tag
// shares, the words' entries carrying the client. A job that writes many clients (a bulk
// change, an import's commit) paces itself on it (jobs.Pacer).
func HotWriteUnits(tenant string, c *domain.Client, defs domain.Definitions) float64 {
	f := newFiled(c, defs)
	units := 0.0
	if item, err := f.item(tenant); err == nil {
		units = kilobytes(item) // a list index's copy
	}
	if terms := keyableTerms(f.terms); len(terms) > 0 {
		// Its words' entries differ by their word only: the longest is the largest.
		if item, err := marshalItem(f.termItem(tenant, longestWord(terms), f.text())); err == nil {
			units = max(units, 2*kilobytes(item)/FanShards)
		}
	}
	if len(f.tagKeys) > 0 {
		units = max(units, 2.0/FanShards) // a tag's member: a small item
	}
	return units
}

// kilobytes is an item's size in DynamoDB's write units: KB, rounded up.
func kilobytes(item map[string]types.AttributeValue) float64 {
	return math.Ceil(float64(itemSize(item)) / 1024)
}
