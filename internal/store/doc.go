// Package store keeps clients and everything attached to them in one DynamoDB table, through
// the real aws-sdk-go-v2 client. Keys and item structs are private to this package: the
// domain never sees PK or SK. The files read in layers: table.go (encoding, one get, one
// write path, transactions), keys.go (every key), filing.go (what a client is filed under),
// then one file per aggregate: clients, list, fields, access, exports, idempotency, stats,
// sites, assignments, presets.
//
// # Table
//
// One table (Schema): string keys PK and SK, four sparse global secondary indexes that only
// client items carry keys for, and a TTL attribute expires_at. Every partition key of a
// tenant's item starts with "T#<tenant>#", the tenant taken from the verified token, so no
// request can name another tenant's item: isolation holds by construction, not by a filter.
// The one exception is an invitation, found by the hash of its token on a public route: its
// item carries the tenant, which is read from it, never from the request.
//
//	item             PK                               SK                      index keys / TTL
//	client           T#<t>#C#<id>                     C                       GSI1PK=T#<t>#CL#A0|A1 (tab)
//	                                                                          GSI1SK=<id>  GSI2SK=<folded name>#<id>
//	                                                                          GSI3SK=<updated_at>#<id>
//	                                                                          GSI4PK=T#<t>#CL#A0|A1#S#<status>
//	credential       T#<t>#C#<id>                     CRED                    -
//	invitation count T#<t>#C#<id>                     QUOTA#INV               expires_at (24 h)
//	request ref      T#<t>#C#<id>                     IDEM#<operation>#<key>  expires_at (24 h)
//	event            T#<t>#C#<id>                     EV#<event id>           GSI5PK=T#<t>#FEED GSI5SK=<event id>
//	                                                                          expires_at (the tenant's retention)
//	search term      T#<t>#W#<shard>#<0|1>            <word>#<id>             -
//	tag membership   T#<t>#CL#A0|A1#TAG#<tag>#<0|1>   <id>                    -
//	counters         T#<t>#STATS#0 … #7               S#0 … S#63 (s in #s mod 8) -
//	field defs       T#<t>#FIELDS                     F                       -
//	defs version     T#<t>#FIELDS                     V#0 … V#31              -
//	unique email     T#<t>#U#email#<lower-cased>      U                       -
//	unique code      T#<t>#U#code#<lower-cased>       U                       -
//	idempotency      T#<t>#I#<operation>#<key>        I                       expires_at (24 h)
//	invitations/hour T#<t>#RATE#INV                   <yyyy-mm-ddThh>         expires_at (2 h)
//	settings         T#<t>#SETTINGS                   S                       -
//	invitation       INV#<sha256 of the token>        I                       expires_at (30 days)
//	client's site    T#<t>#C#<id>                     C#S#<site id>           -
//	site             T#<t>#SITE#<id>                  S                       GSI1PK=T#<t>#SITES GSI1SK=<id>
//	                                                                          GSI2SK=<folded name>#<id>
//	site's client    T#<t>#SITE#<id>                  S#C#<client id>         -
//	site word        T#<t>#SW                         <word>#<site id>        -
//	unique site …    T#<t>#U#site-alias|site-domain|site-external-id#<value>  U
//	presets          T#<t>#PRESETS                    P                       -
//	job              T#<t>#JOBS                       <job id>                expires_at (8 days)
//	unfinished jobs  T#<t>#JOBS                       ~RUNNING                -
//	job results      T#<t>#JOBRES#<job id>            <page, 6 digits>        expires_at (8 days)
//	staff member     T#<t>#STAFF                      <sub>                   -
//	managed client   T#<t>#MGR#<sub>                  <client id>             -
//
//	index  partition  sort    serves
//	GSI1   GSI1PK     GSI1SK  a tab newest or oldest first; created_after/before as a key range;
//	                          the tenant's sites by creation
//	GSI2   GSI1PK     GSI2SK  a tab by name (last, first, company; case and accents folded); the
//	                          tenant's sites by name
//	GSI3   GSI1PK     GSI3SK  a tab by last update
//	GSI4   GSI4PK     GSI1SK  one status of a tab, by creation (the list's status tabs)
//	GSI5   GSI5PK     GSI5SK  the tenant's events, newest first (the activity feed)
//
// Client ids are UUIDv7: their text sorts by creation time, so "newest first" is a descending
// Query and a date range is a key range.
//
// The items the next capabilities add keep the same rules: the tenant first; a client's own
// items in its collection, read with the client by one Query; links between clients and
// others (sites, team members) filed from both sides in the same transaction.
//
// # Search
//
// A client is filed under each of its words (domain.SearchTerms: names, company, email local
// part and domain, phone digits in E.164 and national form, code, tags, searchable custom
// values; folded; a word that begins another is dropped). Each word is one item in the
// tenant's term partition of its shard (its first two characters, four for a number:
// domain.TermShard), itself split in two by the client's id (FanShards, fanout.go: a word
// every client of an import carries spreads its writes over two keys), sorted by word, carrying what a search filters on: status, tab,
// tags, the client's whole text, and the client itself when its JSON is at most 8 KB (almost
// every client). A search Queries begins_with(SK, word) for its rarest word (each word
// probed with the page's Limit; the fewest entries of a word that came back whole, else the
// word whose probe holds the most matches; see rarestWordPlan), keeps the
// entries whose text holds every other word at a word start and that pass the filters,
// counts each client once (on its first matching word); the page's clients are those the
// entries carry, and only the larger ones are read with a BatchGetItem.
//
// Why the copy: a read by key costs a unit per client (each item rounds up to 4 KB), a Query
// one per 4 KB of all its items together. Measured on 10,000 seeded clients
// (BenchmarkFinding10k, read units by DynamoDB's rules): a list page of 25 costs 2.5 units;
// a one-word search page cost 26.5 with the clients read by key strongly consistent, 14.0
// read eventually consistent, and costs 3.0 (2.5 for "hel") with the copies. The price is
// on the writes: a carried client's words are rewritten on every change of the client (8 to
// 12 small items; BenchmarkWriteAmplification), where they were rewritten only when a
// filtered attribute moved; and at most 30 words × 8 KB ride in a transaction. Filters are applied by the store to the entries each Query
// returns: DynamoDB bills every item a Query evaluates, with or without a FilterExpression,
// and this way the position after the last entry kept is exact (and minidyn, which
// miscounts Limit under a FilterExpression, measures the same reads as DynamoDB).
//
// Write amplification: a create writes the client, its email and code claims, one item per
// word (8 to 12 for a typical client), one per tag and one counter update, in one
// transaction; an update writes the client and, for a client its words carry, its words
// (only what changes besides: claims, tags, the counter).
// BenchmarkWriteAmplification reports the figures.
//
// # Access patterns, and what serves each; none uses Scan
//
//	#  pattern                                    served by                                          requests
//	1  get a client (with field definitions)      BatchGetItem: client + definitions, consistent     1
//	2  list a tab, any sort, or one status        Query on GSI1, GSI2, GSI3 or GSI4 (+ GetItem of    1 (2)
//	                                              the definitions when a client has custom values)
//	3  list by tag                                Query the tag's 2 shards + BatchGetItem            3 (4)
//	4  search (with any filters)                  Query the term partition's 2 shards (+ Batch-      2 (3)
//	                                              GetItem of the clients larger than 8 KB, or
//	                                              GetItem of the definitions when a client has
//	                                              custom values; a shard that holds more than its
//	                                              share of the page is Queried once more)
//	5  counts per status and tab                  Query the 64 counter shards                        1
//	6  create (unique email and code, idempotent) TransactWriteItems: client, claims, terms, tags,   1
//	                                              counter, idempotency record, and a check that the
//	                                              definitions the client was validated against stand
//	7  update (If-Match)                          BatchGetItem client + definitions, then a          2
//	                                              conditional Put, or a transaction when what the
//	                                              client is filed under changes
//	8  delete, freeing email and code             GetItem, then TransactWriteItems removing all       2
//	9  custom field definitions                   one item per tenant, versioned                     1
//	10 invitation token lookup (public route)     GetItem INV#<hash>                                 1
//	11 change of access (invite, accept, …)       TransactWriteItems: client, its filing, link,      1
//	                                              credential, event, idempotency record
//	12 a client's events, newest first            Query T#t#C#id, SK between EV# bounds               1
//	13 the tenant's activity feed                 Query GSI5 T#t#FEED, newest first                  1
//	14 a person's data; a removal (delete/erase)  Query T#t#C#id (the whole collection), then a     1 (+2)
//	                                              transaction, then events reduced 25 a batch
//	15 jobs of a tenant (every kind)              Query T#t#JOBS, newest first                        1
//	16 export every client matching a filter      the list's plans, page after page                  n/1MB
//	17 a client's sites; a site's clients         Query T#t#C#id SK C…C#S#~ / T#t#SITE#id begins S:  1
//	                                              the owner's record then its assignments (so an
//	                                              unknown owner is a 404 without another read)
//	18 clients given a site (list, exports)       Query the site's members + BatchGetItem            2
//	19 assign, change, unassign                   BatchGetItem client + assignment + site + presets, 2
//	                                              then one transaction: the client (sites, status,
//	                                              its words and tags when the status moves), both
//	                                              copies of the assignment, the site's count, event
//	20 sites: list by name or creation; search    Query GSI2/GSI1 T#t#SITES; the site words + Batch  1 (2)
//	21 a site's deletion                          mark it, unassign each client (19), then one       2 per client
//	                                              transaction removing it with its claims and words,
//	                                              conditioned on a count of zero
//	22 my clients (a team member's)               Query T#t#MGR#sub + BatchGetItem                   2
//	23 the staff directory                        Query T#t#STAFF (a page holds thousands)           1
//	24 a bulk change of one client                as its single operation: one transaction          1 per client
//
// Optimistic concurrency: every client item carries a version; each write is conditioned on
// the version it read, so a stale write fails (412) instead of losing an update. Uniqueness
// is enforced by the claim items written in the same transaction as the client, never by a
// read-then-write. A transaction cancelled by a concurrent one is tried again (package retry:
// backoff with full jitter, within the caller's deadline, up to 10 tries); every write here
// is conditional, so a retry is safe. The SDK's own retryer (ClientOptions) retries
// throttling, 5xx and connection errors, and a plain write's TransactionConflictException,
// with the same backoff (retry.Wait), sleeping with the request's context. DynamoDB still
// busy after that (retry.Busy) is a 503 to a request; a job slows down instead of failing: a
// bulk job halves its pace and tries the client again, any job hands over to a next run
// without spending an attempt (package jobs).
//
// # Bursts in one tenant
//
// DynamoDB cancels a transaction that holds an item another transaction in flight holds
// (TransactionConflict), and the local DynamoDB does the same (strictdynamo), so bursts are
// tested as they would run. Two kinds of items are shared by a tenant's writes:
//   - the counters: a write moves one of 64 shards, chosen by the client's id (10 before);
//     they move in the same transactions as the clients, so they stay exact, at any moment;
//     GetStats reads the 64 (about 4 KB, one Query).
//   - the definitions a create was validated against: the create checks one of 32 copies of
//     their version, at random, instead of the definitions item itself, which every create of
//     the tenant would otherwise hold at once; a change of the definitions rewrites the 32
//     copies in its transaction (34 actions), which admins do rarely.
//
// Measured with the conflicts emulated (BenchmarkConcurrentWriters, each writer a create
// then an update): 50, 100 and 200 writers at once, every request succeeded; 0.22–0.32
// conflicts and 1.22–1.32 write requests per write. TestBurstsInOneTenant: 250 creates, 200
// updates, then creates, archives, updates and a bulk archive of 50 at once, none refused,
// the counts exact afterwards; TestBulkJobDuringABurst (local stack): a bulk job through the
// worker while 100 creates and 100 updates hit the tenant at once, the same. Chosen against the alternatives: counters aggregated from a
// stream would take the conflicts away but make the counts exact only once settled (seconds
// behind); more shards alone would leave the definitions item held by every create.
//
// On paper, on AWS: a create puts 8 to 12 words, each under 2 KB, at 2 write units per KB in a
// transaction; each word lands in the partition key of its first characters and of the
// client's half (FanShards), so the words most clients share (a tag on every row of an
// import, gmail) take about 1 unit a create on each of two keys, as the tag's member
// partition does, and the tab's partition of each list index (1 unit per KB of the client).
// BenchmarkHotPartitions measures it: the hottest keys take 1.0 unit a create, about 1,000
// creates a second before one reaches DynamoDB's 1,000 units a second per partition key.
// The counters take 2 units a write over 8 partition keys (T#<t>#STATS#0…7).
package store
