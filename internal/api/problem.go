package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/retry"
)

// ProblemTypeBase prefixes each problem code to form the problem's type URI.
const ProblemTypeBase = "https://clientdesk.dev/problems/"

// Problem is an RFC 9457 problem details document, extended with a stable code, the field
// errors of a validation failure, the offending parameter and the request id.
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail"`
	Instance  string         `json:"instance,omitempty"`
	Code      domain.Code    `json:"code"`
	Param     string         `json:"param,omitempty"`
	Errors    []ProblemField `json:"errors,omitempty"`
	RequestID string         `json:"request_id"`
	// retryAfter, when a limit knows it, goes into the Retry-After header.
	retryAfter time.Duration
}

// ProblemField is one field error, located by a JSON Pointer into the request body.
type ProblemField struct {
	Pointer string      `json:"pointer"`
	Code    domain.Code `json:"code"`
	Detail  string      `json:"detail"`
}

// status maps each problem code to its HTTP status; the only place this is decided.
var status = map[domain.Code]int{
	domain.CodeValidation:            http.StatusUnprocessableEntity,
	domain.CodeMalformedJSON:         http.StatusBadRequest,
	domain.CodeBodyTooLarge:          http.StatusRequestEntityTooLarge,
	domain.CodeUnsupportedMedia:      http.StatusUnsupportedMediaType,
	domain.CodeInvalidParameter:      http.StatusBadRequest,
	domain.CodeInvalidCursor:         http.StatusBadRequest,
	domain.CodeSearchTooBroad:        http.StatusBadRequest,
	domain.CodeSearchTooShort:        http.StatusBadRequest,
	domain.CodeInvalidID:             http.StatusBadRequest,
	domain.CodeClientNotFound:        http.StatusNotFound,
	domain.CodeFieldNotFound:         http.StatusNotFound,
	domain.CodeSiteNotFound:          http.StatusNotFound,
	domain.CodeAliasTaken:            http.StatusConflict,
	domain.CodeDomainTaken:           http.StatusConflict,
	domain.CodeExternalIDTaken:       http.StatusConflict,
	domain.CodeClientHasSites:        http.StatusConflict,
	domain.CodeSiteDeleting:          http.StatusConflict,
	domain.CodeAssignmentNotFound:    http.StatusNotFound,
	domain.CodePresetNotFound:        http.StatusNotFound,
	domain.CodeTooManySites:          http.StatusConflict,
	domain.CodeFieldExists:           http.StatusConflict,
	domain.CodeEmailTaken:            http.StatusConflict,
	domain.CodeInvitationNotFound:    http.StatusNotFound,
	domain.CodeNoEmail:               http.StatusConflict,
	domain.CodeClientArchived:        http.StatusConflict,
	domain.CodeClientSuspended:       http.StatusConflict,
	domain.CodeAlreadyActive:         http.StatusConflict,
	domain.CodeNoPendingLink:         http.StatusConflict,
	domain.CodeNoAccess:              http.StatusConflict,
	domain.CodeNotSuspended:          http.StatusConflict,
	domain.CodeMailFailed:            http.StatusServiceUnavailable,
	domain.CodeExportNotFound:        http.StatusNotFound,
	domain.CodeImportNotFound:        http.StatusNotFound,
	domain.CodeImportNotChecked:      http.StatusConflict,
	domain.CodeImportCommitted:       http.StatusConflict,
	domain.CodeImportNotCommitted:    http.StatusConflict,
	domain.CodeJobNotFound:           http.StatusNotFound,
	domain.CodeConfirmMismatch:       http.StatusConflict,
	domain.CodeUnknownStaff:          http.StatusUnprocessableEntity,
	domain.CodeNotOnTeam:             http.StatusNotFound,
	domain.CodeTeamFull:              http.StatusConflict,
	domain.CodeAlreadyArchived:       http.StatusConflict,
	domain.CodeNotArchived:           http.StatusConflict,
	domain.CodeAccessActive:          http.StatusConflict,
	domain.CodeClientInJob:           http.StatusConflict,
	domain.CodeTooManyJobs:           http.StatusTooManyRequests,
	domain.CodeJobFinished:           http.StatusConflict,
	domain.CodeJobNotCancellable:     http.StatusConflict,
	domain.CodeJobFailed:             http.StatusInternalServerError,
	domain.CodeTooManyExports:        http.StatusTooManyRequests,
	domain.CodeClientInvitationLimit: http.StatusTooManyRequests,
	domain.CodeTenantInvitationLimit: http.StatusTooManyRequests,
	domain.CodeExportFailed:          http.StatusInternalServerError,
	domain.CodeCodeTaken:             http.StatusConflict,
	domain.CodePreconditionNeeded:    http.StatusPreconditionRequired,
	domain.CodePreconditionFailed:    http.StatusPreconditionFailed,
	domain.CodeIdempotencyReuse:      http.StatusUnprocessableEntity,
	domain.CodeIdempotencyInvalid:    http.StatusBadRequest,
	domain.CodeIdempotencyInFlight:   http.StatusConflict,
	domain.CodeUnauthenticated:       http.StatusUnauthorized,
	domain.CodeForbidden:             http.StatusForbidden,
	domain.CodeRouteNotFound:         http.StatusNotFound,
	domain.CodeInternal:              http.StatusInternalServerError,
	domain.CodeUnavailable:           http.StatusServiceUnavailable,
}

// StatusOf returns the HTTP status of a problem code.
func StatusOf(code domain.Code) int {
	if s, ok := status[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// problemDetail words a problem's detail for a reader of lang, its parameter in place; a
// field-error code (a bulk change refused by validation) is worded as the field error.
func problemDetail(code domain.Code, param, lang string) string {
	msg, found := problemTexts[code]
	if !found {
		if t, ok := domain.FieldTexts[code]; ok {
			msg.detail = text{en: t.EN, fr: t.FR}
		} else {
			return param
		}
	}
	d := msg.detail.in(lang)
	if strings.Contains(d, "%s") {
		d = fmt.Sprintf(d, param)
	}
	return d
}

// NewProblem renders err for a reader of lang ("fr" or "en"). Errors that are not domain
// errors become a generic 500 whose text reveals nothing of the cause.
func NewProblem(err error, lang, requestID, instance string) Problem {
	var de *domain.Error
	switch {
	case errors.As(err, &de) && de != nil:
	case retry.Busy(err):
		// DynamoDB too busy even after the SDK's tries: the request may be sent again.
		de = &domain.Error{Code: domain.CodeUnavailable}
	default:
		de = &domain.Error{Code: domain.CodeInternal}
	}
	msg, found := problemTexts[de.Code]
	if !found {
		msg = problemTexts[domain.CodeInternal]
	}
	p := Problem{
		Type:       ProblemTypeBase + string(de.Code),
		Title:      msg.title.in(lang),
		Status:     StatusOf(de.Code),
		Detail:     msg.detail.in(lang),
		Instance:   instance,
		Code:       de.Code,
		Param:      de.Param,
		RequestID:  requestID,
		retryAfter: de.RetryAfter,
	}
	if strings.Contains(p.Detail, "%s") {
		p.Detail = fmt.Sprintf(p.Detail, de.Param)
	}
	for _, f := range de.Fields {
		p.Errors = append(p.Errors, ProblemField{Pointer: f.Pointer, Code: f.Code, Detail: fieldDetail(f, lang)})
	}
	return p
}

func fieldDetail(f domain.FieldError, lang string) string {
	return domain.FieldMessage(f.Code, f.Param, lang)
}

// problemResponse is the API Gateway response carrying a problem.
func problemResponse(p Problem, lang string) events.APIGatewayV2HTTPResponse {
	body, _ := json.Marshal(p)
	h := map[string]string{
		"Content-Type":     "application/problem+json",
		"Content-Language": lang,
		"Cache-Control":    "no-store",
		"X-Request-Id":     p.RequestID,
	}
	switch {
	case p.retryAfter > 0:
		h["Retry-After"] = strconv.Itoa(int(math.Ceil(p.retryAfter.Seconds())))
	case p.Status == http.StatusServiceUnavailable:
		h["Retry-After"] = "1"
	case p.Status == http.StatusTooManyRequests:
		h["Retry-After"] = "60"
	}
	if p.Status == http.StatusUnauthorized {
		h["WWW-Authenticate"] = `Bearer`
	}
	return events.APIGatewayV2HTTPResponse{StatusCode: p.Status, Headers: h, Body: string(body)}
}
