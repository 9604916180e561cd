package domain

// One job model for the long work on many clients: exports, bulk changes, a site's clean-up,
// imports. A job is queued by a request, run by the worker from the queue (each run with its
// own id, so that an older run can no longer write), reports its progress, may be cancelled,
// and ends done, failed or cancelled, with a result file when its kind makes one and an
// e-mail to who asked.

// JobKind is what a job does.
type JobKind string

const (
	JobExport      JobKind = "export"
	JobBulk        JobKind = "bulk"
	JobSiteCleanup JobKind = "site_cleanup"
	JobImport      JobKind = "import"
)

// JobKinds lists the kinds, for filters.
var JobKinds = []JobKind{JobExport, JobBulk, JobSiteCleanup, JobImport}

// JobStatus is where a job stands: queued → running → done, failed or cancelled (a queued
// job may be cancelled before it runs). The last three are final.
type JobStatus string

const (
	JobQueued    JobStatus = "queued"
	JobRunning   JobStatus = "running"
	JobDone      JobStatus = "done"
	JobFailed    JobStatus = "failed"
	JobCancelled JobStatus = "cancelled"
)

// Final reports whether the job has ended.
func (s JobStatus) Final() bool { return s == JobDone || s == JobFailed || s == JobCancelled }

// JobProgress counts a job's work: items done (rows written, clients changed or refused),
// of Total when known (0: not known yet), Failed of them refused.
type JobProgress struct {
	Done   int64 `json:"done"`
	Total  int64 `json:"total,omitempty"`
	Failed int64 `json:"failed,omitempty"`
}

// JobFile is a job's result file in the bucket: an export, a bulk job's per-client results.
type JobFile struct {
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	Rows   int64  `json:"rows"`
	// ObjectKey is where the file is; never shown (a signed link is).
	ObjectKey string `json:"object_key"`
}

// Job is one job, as stored.
type Job struct {
	ID          string      `json:"id"`
	Kind        JobKind     `json:"kind"`
	Status      JobStatus   `json:"status"`
	Locale      string      `json:"locale"`
	RequestedBy string      `json:"requested_by"`
	CreatedAt   Time        `json:"created_at"`
	StartedAt   *Time       `json:"started_at,omitempty"`
	FinishedAt  *Time       `json:"finished_at,omitempty"`
	Progress    JobProgress `json:"progress"`
	File        *JobFile    `json:"file,omitempty"`
	// Error is the problem code of a failed job.
	Error string `json:"error,omitempty"`
	// CancelRequested: a running job stops at its next page.
	CancelRequested bool `json:"cancel_requested,omitempty"`

	// What the job works on, by kind: the clients a filter selects (export, bulk), the
	// columns of an export, a bulk action, a site.
	Filter  *ClientFilter `json:"filter,omitempty"`
	Columns []string      `json:"columns,omitempty"`
	// Format is an export's file format (csv, xlsx); Separator a CSV's separator (";", ",",
	// "tab"), the locale's unless the request chose: both settled when the job is created.
	Format    ExportFormat `json:"format,omitempty"`
	Separator string       `json:"separator,omitempty"`
	Bulk      *BulkAction  `json:"bulk,omitempty"`
	SiteID    string       `json:"site_id,omitempty"`
	// Import is the import an import job works on, at the version it was started for (a run
	// for an older version does nothing: a newer mapping has its own run).
	Import *ImportTask `json:"import,omitempty"`

	// Kept by the server, never shown.
	// Resume is where a run stopped: the next run goes on from there.
	Resume         *JobResume `json:"resume,omitempty"`
	RequesterEmail string     `json:"requester_email,omitempty"`
	RequesterName  string     `json:"requester_name,omitempty"`
	TenantName     string     `json:"tenant_name,omitempty"`
	Attempt        int        `json:"attempt,omitempty"`
	RunID          string     `json:"run_id,omitempty"`
	Notified       bool       `json:"notified,omitempty"`
}

// ImportTask is what an import job does: check the file (every row, nothing written), or
// commit it.
type ImportTask struct {
	ImportID string `json:"import_id"`
	Version  int64  `json:"version"`
	Phase    string `json:"phase"`
}

// The phases of an import's jobs: the check reads and checks every row of the file, nothing
// written; the commit writes them.
const (
	ImportPhaseCheck  = "check"
	ImportPhaseCommit = "commit"
	ImportPhaseRevert = "revert"
)

// JobResume is where a job's runs have got to: the list's cursor after the last page done,
// and the number of that page's results chunk to come.
type JobResume struct {
	Cursor string `json:"cursor,omitempty"`
	Page   int    `json:"page"`
	// Row is the last row of a file a commit has done, and Result what it did so far.
	Row    int           `json:"row,omitempty"`
	Result *ImportResult `json:"result,omitempty"`
	// Reverted is what a revert did so far.
	Reverted *ImportRevertResult `json:"reverted,omitempty"`
}

// Requester is who asked for the job, as the events of its changes name them.
func (j *Job) Requester() Actor {
	return Actor{Kind: ActorStaff, ID: j.RequestedBy, Name: j.RequesterEmail}
}

// Job problem codes.
const (
	CodeJobNotFound       Code = "job_not_found"
	CodeTooManyJobs       Code = "too_many_jobs"
	CodeJobFinished       Code = "job_finished"
	CodeJobNotCancellable Code = "job_not_cancellable"
	CodeExportNotFound    Code = "export_not_found"
	CodeTooManyExports    Code = "too_many_exports"
	CodeExportFailed      Code = "export_failed"
	CodeJobFailed         Code = "job_failed"
)

// ErrJobNotFound is the problem of an unknown job.
var ErrJobNotFound = &Error{Code: CodeJobNotFound}

// Export statuses, as GET /v1/exports has always shown them: a done export is ready.
const (
	ExportQueued  = "queued"
	ExportRunning = "running"
	ExportReady   = "ready"
	ExportFailed  = "failed"
)

// ExportView is an export job as /v1/exports shows it: its filter as the list's parameters,
// its rows and file flat, without what the server keeps for itself.
type ExportView struct {
	ID          string         `json:"id"`
	Status      string         `json:"status"`
	Columns     []string       `json:"columns,omitempty"`
	Locale      string         `json:"locale"`
	RequestedBy string         `json:"requested_by"`
	CreatedAt   Time           `json:"created_at"`
	StartedAt   *Time          `json:"started_at,omitempty"`
	FinishedAt  *Time          `json:"finished_at,omitempty"`
	RowsWritten int64          `json:"rows_written"`
	Bytes       int64          `json:"bytes,omitempty"`
	SHA256      string         `json:"sha256,omitempty"`
	FileName    string         `json:"file_name,omitempty"`
	Error       string         `json:"error,omitempty"`
	Filters     map[string]any `json:"filters"`
	Format      ExportFormat   `json:"format"`
	Separator   string         `json:"separator,omitempty"`
}

// ExportView is the job as GET /v1/exports shows it.
func (j *Job) ExportView() ExportView {
	v := ExportView{ID: j.ID, Status: string(j.Status), Columns: j.Columns, Locale: j.Locale, RequestedBy: j.RequestedBy,
		CreatedAt: j.CreatedAt, StartedAt: j.StartedAt, FinishedAt: j.FinishedAt, RowsWritten: j.Progress.Done, Error: j.Error,
		Filters: map[string]any{}, Format: j.Format, Separator: j.Separator}
	if v.Format == "" {
		v.Format = FormatCSV
	}
	if j.Status == JobDone {
		v.Status = ExportReady
	}
	if j.File != nil {
		v.Bytes, v.SHA256, v.FileName = j.File.Bytes, j.File.SHA256, j.File.Name
	}
	if j.Filter != nil {
		v.Filters = j.Filter.Params()
	}
	return v
}

// JobView is a job as GET /v1/jobs shows it: what it works on, by kind, as a request would
// say it.
type JobView struct {
	ID              string         `json:"id"`
	Kind            JobKind        `json:"kind"`
	Status          JobStatus      `json:"status"`
	Locale          string         `json:"locale"`
	RequestedBy     string         `json:"requested_by"`
	CreatedAt       Time           `json:"created_at"`
	StartedAt       *Time          `json:"started_at,omitempty"`
	FinishedAt      *Time          `json:"finished_at,omitempty"`
	Progress        JobProgress    `json:"progress"`
	File            *JobFileView   `json:"file,omitempty"`
	Error           string         `json:"error,omitempty"`
	CancelRequested bool           `json:"cancel_requested"`
	Params          map[string]any `json:"params"`
}

// JobFileView is a result file as shown: its signed link is minted at each read.
type JobFileView struct {
	Name        string `json:"name"`
	Bytes       int64  `json:"bytes"`
	SHA256      string `json:"sha256"`
	Rows        int64  `json:"rows"`
	DownloadURL string `json:"download_url,omitempty"`
}

// View is the job as GET /v1/jobs shows it (the file's link left to the caller).
func (j *Job) View() JobView {
	v := JobView{ID: j.ID, Kind: j.Kind, Status: j.Status, Locale: j.Locale, RequestedBy: j.RequestedBy, CreatedAt: j.CreatedAt,
		StartedAt: j.StartedAt, FinishedAt: j.FinishedAt, Progress: j.Progress, Error: j.Error, CancelRequested: j.CancelRequested,
		Params: map[string]any{}}
	if j.File != nil {
		v.File = &JobFileView{Name: j.File.Name, Bytes: j.File.Bytes, SHA256: j.File.SHA256, Rows: j.File.Rows}
	}
	if j.Filter != nil {
		v.Params["filters"] = j.Filter.Params()
	}
	if len(j.Columns) > 0 {
		v.Params["columns"] = j.Columns
	}
	if j.Format != "" {
		v.Params["format"] = j.Format
	}
	if j.Separator != "" {
		v.Params["separator"] = j.Separator
	}
	if j.Bulk != nil {
		v.Params["action"] = j.Bulk.Action
		for k, val := range j.Bulk.params() {
			v.Params[k] = val
		}
	}
	if j.SiteID != "" {
		v.Params["site_id"] = j.SiteID
	}
	return v
}
