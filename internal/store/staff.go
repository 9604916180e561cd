package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/clientdesk/clientdesk/internal/domain"
)

// The staff directory: one item per staff member in the tenant's staff partition,
// T#<t>#STAFF / <sub>, written when they sign in (the identity provider's trigger, or the
// local token issuer).

func staffPK(tenant string) string { return "T#" + tenant + "#STAFF" }

type staffItem struct {
	PK string `json:"PK"`
	SK string `json:"SK"`
	domain.StaffMember
}

// MaxStaff bounds a tenant's directory as a list reads it: every member, sorted in memory.
const MaxStaff = 2000

// RecordStaff mirrors a member as they sign in: name, address and roles as the provider says
// now, the time of this sign-in, and when they were first seen.
func (s *Store) RecordStaff(ctx context.Context, tenant string, m domain.StaffMember) error {
	domain.NormalizeStaff(&m)
	roles, err := marshalItem(struct {
		R []string `json:"r"`
	}{m.Roles})
	if err != nil {
		return err
	}
	values := map[string]types.AttributeValue{":sub": str(m.Sub), ":roles": roles["r"], ":at": str(m.LastSignInAt.String())}
	set := []string{"#sub = :sub", "#roles = :roles", "last_sign_in_at = :at", "first_seen_at = if_not_exists(first_seen_at, :at)"}
	names := map[string]string{"#sub": "sub", "#roles": "roles"}
	var remove []string
	for attr, v := range map[string]string{"name": m.Name, "email": m.Email} {
		names["#"+attr] = attr
		if v == "" {
			remove = append(remove, "#"+attr)
			continue
		}
		values[":"+attr] = str(v)
		set = append(set, "#"+attr+" = :"+attr)
	}
	slices.Sort(set)
	expr := "SET " + strings.Join(set, ", ")
	if len(remove) > 0 {
		slices.Sort(remove)
		expr += " REMOVE " + strings.Join(remove, ", ")
	}
	_, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.table), Key: key(staffPK(tenant), m.Sub),
		UpdateExpression: aws.String(expr), ExpressionAttributeNames: names, ExpressionAttributeValues: values})
	if err != nil {
		return fmt.Errorf("record staff: %w", err)
	}
	return nil
}

// GetStaff reads one member of the directory; domain.CodeUnknownStaff when there is none.
func (s *Store) GetStaff(ctx context.Context, tenant, sub string) (*domain.StaffMember, error) {
	it, err := getItem[staffItem](ctx, s, staffPK(tenant), sub, &domain.Error{Code: domain.CodeUnknownStaff, Param: sub})
	if err != nil {
		return nil, err
	}
	return &it.StaffMember, nil
}

// StaffQuery asks for a page of the directory: by name, optionally the members whose name
// or address has a word beginning with each word of Query, or who hold Role.
type StaffQuery struct {
	Query  string
	Role   string
	Limit  int
	Cursor string
}

// StaffPage is a page of the directory and the cursor of the next one.
type StaffPage struct {
	Items      []*domain.StaffMember
	NextCursor string
}

func staffSortKey(m *domain.StaffMember) string { return domain.Fold(m.Label()) + "#" + m.Sub }

// ListStaff reads the directory (one Query, a page of 1 MB holds thousands of members) and
// returns the page after the cursor's position, by name.
func (s *Store) ListStaff(ctx context.Context, tenant string, q StaffQuery) (StaffPage, error) {
	words := domain.QueryWords(q.Query)
	selection := "staff|q=" + strings.Join(words, " ") + "|role=" + q.Role
	after := ""
	if q.Cursor != "" {
		pos, err := decodeCursor(tenant, selection, q.Cursor)
		if err != nil {
			return StaffPage{}, err
		}
		if after = pos["name"]; len(pos) != 1 || after == "" {
			return StaffPage{}, domain.ErrInvalidCursor
		}
	}
	in := s.query(staffPK(tenant), true)
	var all []*domain.StaffMember
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return StaffPage{}, fmt.Errorf("list staff: %w", err)
		}
		for _, item := range out.Items {
			it, err := decode[staffItem](item)
			if err != nil {
				return StaffPage{}, err
			}
			if staffMatches(&it.StaffMember, words, q.Role) {
				all = append(all, &it.StaffMember)
			}
		}
		if out.LastEvaluatedKey == nil || len(all) > MaxStaff {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	slices.SortFunc(all, func(a, b *domain.StaffMember) int { return strings.Compare(staffSortKey(a), staffSortKey(b)) })
	start := 0
	if after != "" {
		start, _ = slices.BinarySearchFunc(all, after, func(m *domain.StaffMember, k string) int {
			if staffSortKey(m) <= k {
				return -1
			}
			return 1
		})
	}
	end := min(start+q.Limit, len(all))
	page := StaffPage{Items: all[start:end]}
	if end < len(all) {
		page.NextCursor = encodeCursor(tenant, selection, map[string]string{"name": staffSortKey(all[end-1])})
	}
	return page, nil
}

func staffMatches(m *domain.StaffMember, words []string, role string) bool {
	if role != "" && !slices.Contains(m.Roles, role) {
		return false
	}
	own := append(domain.Words(m.Name), domain.Words(m.Email)...)
	for _, w := range words {
		if !slices.ContainsFunc(own, func(o string) bool { return strings.HasPrefix(o, w) }) {
			return false
		}
	}
	return true
}
