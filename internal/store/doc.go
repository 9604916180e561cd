// Package store keeps clients and everything attached to them in one DynamoDB table, through
// the real aws-sdk-go-v2 client. Keys and item structs are private to this package: the
// domain never sees PK or SK.
//
// # Table
//
// One table (Schema): string keys PK and SK, one global secondary index GSI1 (GSI1PK, GSI1SK,
// projecting all attributes), and a TTL attribute expires_at. Every partition key starts with
// "T#<tenant>#", the tenant taken from the verified token, so no request can name another
// tenant's item: isolation holds by construction, not by a filter.
//
//	item              PK                                SK      GSI1PK               GSI1SK
//	client            T#<t>#C#<client id>               C       T#<t>#CL#A0|A1       <client id>
//	unique email      T#<t>#U#email#<lower-cased email> U       -                    -
//	unique code       T#<t>#U#code#<lower-cased code>   U       -                    -
//	idempotency       T#<t>#I#<operation>#<key>         I       -                    -
//
// Client ids are UUIDv7: their text sorts by creation time, so "newest first" is a descending
// Query on GSI1SK and created_after/created_before are key conditions on it.
//
// # Access patterns of the whole roadmap (MISSION.md), and what serves each; none uses Scan
//
//	#  pattern                                         served by                                           requests
//	1  get a client                                    GetItem PK=T#t#C#id, SK=C (consistent)              1
//	2  list newest first, by tab (archived or not)     Query GSI1 GSI1PK=T#t#CL#A0, descending, Limit n+1  1
//	3  create with unique email and code, idempotent   TransactWriteItems: Put client + Put U#email +      1
//	                                                   Put U#code + Put I#… all attribute_not_exists
//	4  update (If-Match)                               GetItem, then Put with version = :v (a transaction  2
//	                                                   when email or code change: swap the U# items)
//	5  delete, freeing email and code                  GetItem, then TransactWriteItems Delete client      2
//	                                                   (version = :v) + Delete U# items
//	6  replay an idempotent create                     GetItem PK=T#t#I#op#key (after the transaction      +1
//	                                                   is cancelled on that item)
//	7  filter by status (tabs), counts per status      planned: GSI2 GSI2PK=T#t#ST#<status>#A0|A1 sorted   1
//	                                                   by id; counters item PK=T#t#STATS updated in the
//	                                                   same transaction as every client write
//	8  sort by name or updated_at                      planned: further indexes with the tab's partition   1
//	                                                   key and a sort key of the normalized name or
//	                                                   update time
//	9  search any word (name, company, email, phone,   planned: term items PK=T#t#W#<first letters>,       ≤2
//	   code, searchable custom fields), accents        SK=<folded word>#<client id>; a begins_with Query,
//	   ignored                                         then BatchGetItem of the matching clients
//	10 clients with a tag / of a site                  planned: membership items PK=T#t#TAG#<tag> or       2
//	                                                   T#t#SITE#<site>, SK=<client id>; Query + BatchGet
//	11 sites of a client, team of a client, timeline   planned: items in the client's own collection:     1
//	                                                   PK=T#t#C#id, SK=SITE#…, TEAM#…, EV#<time>
//	12 custom field definitions of a tenant            planned: PK=T#t#FIELDS, SK=<key>; one Query         1
//	13 invitation token lookup (public route)          planned: PK=INV#<sha256(token)>, SK=I; the tenant   1
//	                                                   is read from the item, not from a token
//	14 export jobs and import jobs of a tenant         planned: PK=T#t#JOB#<job id>, GSI1 T#t#JOBS by id   1
//	15 export every client matching a filter           the same Query as the list (2, 7, 9, 10), paged     n/1MB
//
// Optimistic concurrency: every client item carries a version; each write is conditioned on
// the version it read, so a stale write fails (412) instead of losing an update. Uniqueness
// is enforced by the U# items written in the same transaction as the client, never by a
// read-then-write.
package store
