package emulators

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// Cognito answers the one user pool call the service makes, AdminListGroupsForUser, over
// Cognito's own JSON protocol, so that the staff trigger runs locally with the real SDK
// client. The groups are those the local token issuer was asked for.
type Cognito struct {
	srv    *httptest.Server
	mu     sync.Mutex
	groups map[string][]string // user name -> groups
}

// UserPoolID is the local user pool's id.
const UserPoolID = "local_clientdesk"

// StartCognito starts the emulator on a loopback port.
func StartCognito() *Cognito {
	c := &Cognito{groups: map[string][]string{}}
	c.srv = httptest.NewServer(http.HandlerFunc(c.serve))
	return c
}

// SetGroups records the groups of a user, as an administrator would in the user pool.
func (c *Cognito) SetGroups(user string, groups []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.groups[user] = append([]string(nil), groups...)
}

// Client is an SDK client of the emulator.
func (c *Cognito) Client(opts ...func(*cognitoidentityprovider.Options)) *cognitoidentityprovider.Client {
	return cognitoidentityprovider.New(cognitoidentityprovider.Options{Region: "us-east-1", BaseEndpoint: aws.String(c.srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", "")}, opts...)
}

// Close stops the emulator.
func (c *Cognito) Close() { c.srv.Close() }

func (c *Cognito) serve(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, typ, msg string) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-ErrorType", typ)
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
	}
	if r.Header.Get("X-Amz-Target") != "AWSCognitoIdentityProviderService.AdminListGroupsForUser" {
		fail(http.StatusBadRequest, "UnknownOperationException", "only AdminListGroupsForUser is emulated")
		return
	}
	var in struct {
		UserPoolID string `json:"UserPoolId"`
		Username   string
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Username == "" {
		fail(http.StatusBadRequest, "InvalidParameterException", "UserPoolId and Username are required")
		return
	}
	if in.UserPoolID != UserPoolID {
		fail(http.StatusBadRequest, "ResourceNotFoundException", "User pool "+in.UserPoolID+" does not exist.")
		return
	}
	c.mu.Lock()
	groups, ok := c.groups[in.Username]
	c.mu.Unlock()
	if !ok {
		fail(http.StatusBadRequest, "UserNotFoundException", "User does not exist.")
		return
	}
	type group struct {
		GroupName  string
		UserPoolID string `json:"UserPoolId"`
	}
	out := struct{ Groups []group }{Groups: []group{}}
	for _, g := range groups {
		out.Groups = append(out.Groups, group{GroupName: g, UserPoolID: UserPoolID})
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(out)
}
