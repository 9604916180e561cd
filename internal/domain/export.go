package domain

// ExportStatus is where an export job stands.
type ExportStatus string

const (
	ExportQueued  ExportStatus = "queued"
	ExportRunning ExportStatus = "running"
	ExportReady   ExportStatus = "ready"
	ExportFailed  ExportStatus = "failed"
)

// ExportJob is a request to export the clients a filter selects, and its progress.
type ExportJob struct {
	ExportInfo
	Filter ClientFilter `json:"filter"`

	// Kept by the server, not shown (see View).
	RequesterEmail string `json:"requester_email,omitempty"`
	TenantName     string `json:"tenant_name,omitempty"`
	ObjectKey      string `json:"object_key,omitempty"`
	Attempt        int    `json:"attempt,omitempty"`
	RunID          string `json:"run_id,omitempty"`
	Notified       bool   `json:"notified,omitempty"`
}

// ExportInfo is what staff see of a job, but for its filter.
type ExportInfo struct {
	ID          string       `json:"id"`
	Status      ExportStatus `json:"status"`
	Columns     []string     `json:"columns,omitempty"`
	Locale      string       `json:"locale"`
	RequestedBy string       `json:"requested_by"`
	CreatedAt   Time         `json:"created_at"`
	StartedAt   *Time        `json:"started_at,omitempty"`
	FinishedAt  *Time        `json:"finished_at,omitempty"`
	RowsWritten int64        `json:"rows_written"`
	Bytes       int64        `json:"bytes,omitempty"`
	SHA256      string       `json:"sha256,omitempty"`
	FileName    string       `json:"file_name,omitempty"`
	// Error is the problem code of a failed job.
	Error string `json:"error,omitempty"`
}

// Export problem codes.
const (
	CodeExportNotFound Code = "export_not_found"
	CodeTooManyExports Code = "too_many_exports"
	CodeExportFailed   Code = "export_failed"
)

// ExportView is a job as staff read it: its filter as the list's parameters, without what
// the server keeps for itself.
type ExportView struct {
	ExportInfo
	Filters map[string]any `json:"filters"`
}

// View is the job as staff read it.
func (j *ExportJob) View() ExportView {
	return ExportView{ExportInfo: j.ExportInfo, Filters: j.Filter.Params()}
}
