package imports

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"os"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/clientdesk/clientdesk/internal/config"
	"github.com/clientdesk/clientdesk/internal/domain"
	"github.com/clientdesk/clientdesk/internal/jobs"
	"github.com/clientdesk/clientdesk/internal/sheet"
	"github.com/clientdesk/clientdesk/internal/store"
)

// Store is what an import's runs keep their state in (package store).
type Store interface {
	GetImport(ctx context.Context, tenant, id string) (*domain.Import, error)
	RecordImport(ctx context.Context, tenant string, im *domain.Import) error
	PutImportErrors(ctx context.Context, tenant string, im *domain.Import, rows [][]domain.ImportRowError) error
	GetDefinitions(ctx context.Context, tenant string) (domain.Definitions, int64, error)
	Holders(ctx context.Context, tenant string, emails, codes []string) (byEmail, byCode map[string]*domain.Client, err error)
	StopImport(ctx context.Context, tenant string, job *domain.Job, status domain.ImportStatus) error
}

// Problems of a file that a check could not read through, beyond the reader's (package sheet).
const (
	ProblemFileMissing = "file_missing"
	ProblemFileSize    = "file_size_mismatch"
	ProblemEmpty       = "empty_file"
)

// HeaderChars bounds a header as the import keeps it (to show the mapping): a file's header
// row may hold 500 cells of 40,000 bytes, which no record could keep.
const HeaderChars = 100

// progressEvery is how often a check reports its progress: the rows it has read, the report.
const progressEvery = time.Second

// Check runs an import's check: the file read from the bucket, its header row mapped (the
// mapping set, or the one detected), every row checked by the API's rules and against the
// clients that hold its e-mail and code, nothing written to the clients. It records the
// report, the errors by row (GET /v1/imports/{id}/errors) and a CSV of the failing rows with
// an "error" column, in the import's language. A run again (a redelivered message, a crash)
// does it all again: the errors are replaced row by row, the file is the run's own.
type Check struct {
	Imports    Store
	S3         *s3.Client
	Bucket     string
	ParsePhone domain.PhoneParser
	// TempDir holds the file while it is read ("" for the system's; Lambda's /tmp).
	TempDir string
}

// Run checks the import its job names, if that is still the import's current check.
func (c *Check) Run(ctx context.Context, run *jobs.Run) error {
	im, err := c.current(ctx, run)
	if im == nil || err != nil {
		return err
	}
	err = c.check(ctx, run, im)
	if errors.Is(err, jobs.ErrCancelled) {
		im.Status, im.Problem, im.ProblemRow = domain.ImportCancelled, "", 0
		err = c.record(ctx, run, im, jobs.ErrCancelled)
	}
	return err
}

// current is the import a run's job names when the job is still the import's (nil when the
// import has expired or moved on to another job: the run has nothing to do).
func (c *Check) current(ctx context.Context, run *jobs.Run) (*domain.Import, error) {
	task := run.Job.Import
	if task == nil {
		return nil, fmt.Errorf("import job %s names no import", run.Job.ID)
	}
	im, err := c.Imports.GetImport(ctx, run.Tenant, task.ImportID)
	if errors.Is(err, domain.ErrImportNotFound) {
		return nil, nil // expired: nothing to do
	}
	if err != nil {
		return nil, err
	}
	if im.Version != task.Version || im.JobID != run.Job.ID {
		run.Log.InfoContext(ctx, "import moved on, run skipped", "import_id", im.ID, "version", im.Version)
		return nil, nil
	}
	return im, nil
}

// jobLang is the language of a job's words (the file's numbers and dates, its messages).
func jobLang(j *domain.Job) string {
	if j.Locale == "fr" {
		return "fr"
	}
	return "en"
}

func removeFile(f *os.File) error { return os.Remove(f.Name()) }

// openFile downloads the import's file and opens it at its header row, for a check or a
// commit. A file that cannot be read (missing, of another size, empty, or refused by the
// reader) records the import unreadable: r is then nil, and err is that record's outcome.
// closeFile releases the reader and the temporary copy.
func (c *Check) openFile(ctx context.Context, run *jobs.Run, im *domain.Import) (r sheet.Reader, header sheet.Row, closeFile func(), err error) {
	f, size, problem, err := c.download(ctx, run.Tenant, im)
	if err != nil {
		return nil, header, nil, err
	}
	if problem != "" {
		return nil, header, nil, c.unreadable(ctx, run, im, problem, 0)
	}
	discard := func() { _ = f.Close(); _ = removeFile(f) }
	if r, err = sheet.Open(sheet.Format(im.Format), f, size, im.Sheet); err != nil {
		discard()
		return nil, header, nil, c.unreadableBy(ctx, run, im, err)
	}
	closeFile = func() { _ = r.Close(); discard() }
	if header, err = r.Next(); err != nil {
		closeFile()
		if err == io.EOF {
			return nil, header, nil, c.unreadable(ctx, run, im, ProblemEmpty, 0)
		}
		return nil, header, nil, c.unreadableBy(ctx, run, im, err)
	}
	return r, header, closeFile, nil
}

func (c *Check) check(ctx context.Context, run *jobs.Run, im *domain.Import) error {
	r, header, closeFile, err := c.openFile(ctx, run, im)
	if r == nil {
		return err
	}
	defer closeFile()
	d := r.Detected()
	im.Read = &domain.ImportRead{Format: string(d.Format), Encoding: d.Encoding, Sheet: d.Sheet, Sheets: domain.SheetsListed(d.Sheets)}
	if d.Separator != "" {
		im.Read.Separator = domain.SeparatorName(d.Separator[0])
	}
	defs, _, err := c.Imports.GetDefinitions(ctx, run.Tenant)
	if err != nil {
		return err
	}
	columns := DetectMapping(header.Cells, defs)
	if im.ColumnsSet {
		columns = setColumns(header.Cells, im.Columns)
	}
	lang := jobLang(run.Job)
	checker := NewChecker(Reading{Columns: columns, Definitions: defs, Lang: lang, Country: im.Country, ParsePhone: c.ParsePhone},
		Mode(im.Mode), Match(im.Match))
	sink := &checkSink{ctx: ctx, run: run, store: c.Imports, im: im, headers: header.Cells, lang: lang, columns: columns, defs: defs,
		last: time.Now(), tempDir: c.TempDir}
	defer sink.discard()
	report, verr := Validate(ctx, r, checker, func(ctx context.Context, emails, codes []string) (map[string]*domain.Client, map[string]*domain.Client, error) {
		return c.Imports.Holders(ctx, run.Tenant, emails, codes)
	}, sink)
	if err := sink.flush(); err != nil {
		return err
	}
	if verr != nil && sheet.CodeOf(verr) == "" {
		return verr // not the file's fault: the run is tried again
	}
	if im.ErrorsFile, err = sink.keep(c.S3, c.Bucket); err != nil {
		return err
	}
	im.Columns, im.Report = keptColumns(columns), &report
	im.Status, im.Problem, im.ProblemRow = domain.ImportChecked, "", 0
	if verr != nil {
		var se *sheet.Error
		errors.As(verr, &se)
		im.Status, im.Problem, im.ProblemRow = domain.ImportUnreadable, se.Code, se.Row
	}
	if err := run.Progress(ctx, domain.JobProgress{Done: int64(report.Rows), Total: int64(report.Rows), Failed: int64(report.Errors)}); err != nil {
		return err
	}
	return c.record(ctx, run, im, nil)
}

// download copies the import's file from the bucket to a temporary file (XLSX is read at
// random; a CSV could stream, but one path serves both): a missing file, or one of another
// size than the import declared, is the import's problem, not the run's.
func (c *Check) download(ctx context.Context, tenant string, im *domain.Import) (*os.File, int64, string, error) {
	out, err := c.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(c.Bucket), Key: aws.String(im.ObjectKey(tenant))})
	var missing *s3types.NoSuchKey
	if errors.As(err, &missing) {
		return nil, 0, ProblemFileMissing, nil
	}
	if err != nil {
		return nil, 0, "", fmt.Errorf("read import file: %w", err)
	}
	defer func() { _ = out.Body.Close() }()
	f, err := os.CreateTemp(c.TempDir, "import-*")
	if err != nil {
		return nil, 0, "", err
	}
	n, err := io.Copy(f, io.LimitReader(out.Body, domain.MaxImportBytes+1))
	if err == nil && n != im.Size {
		err = errSize
	}
	if err != nil {
		_ = f.Close()
		_ = os.Remove(f.Name())
		if errors.Is(err, errSize) {
			return nil, 0, ProblemFileSize, nil
		}
		return nil, 0, "", fmt.Errorf("read import file: %w", err)
	}
	return f, n, "", nil
}

var errSize = errors.New("file of another size")

func (c *Check) unreadableBy(ctx context.Context, run *jobs.Run, im *domain.Import, err error) error {
	var se *sheet.Error
	if !errors.As(err, &se) {
		return err
	}
	return c.unreadable(ctx, run, im, se.Code, se.Row)
}

func (c *Check) unreadable(ctx context.Context, run *jobs.Run, im *domain.Import, problem string, row int) error {
	im.Status, im.Problem, im.ProblemRow = domain.ImportUnreadable, problem, row
	im.Report, im.ErrorsFile = nil, nil
	return c.record(ctx, run, im, nil)
}

// record keeps what the check found, unless the import moved on meanwhile (then nobody reads
// this check any more: it ends quietly, as its job).
func (c *Check) record(ctx context.Context, run *jobs.Run, im *domain.Import, result error) error {
	err := c.Imports.RecordImport(ctx, run.Tenant, im)
	if errors.Is(err, store.ErrImportMoved) {
		run.Log.InfoContext(ctx, "import moved on during its check", "import_id", im.ID)
		return result
	}
	if err != nil {
		return err
	}
	return result
}

// setColumns lays a mapping set on the file's headers: each column of the file with the
// target the mapping gives its position.
func setColumns(headers []string, set []domain.ImportColumn) []Column {
	cols := make([]Column, len(headers))
	for i, h := range headers {
		cols[i] = Column{Index: i, Header: h}
	}
	for _, c := range set {
		if c.Index >= 0 && c.Index < len(cols) {
			cols[c.Index].Target = c.Target
		}
	}
	return cols
}

// keptColumns are the columns as the import keeps them: headers cut to HeaderChars.
func keptColumns(cols []Column) []domain.ImportColumn {
	out := make([]domain.ImportColumn, len(cols))
	for i, c := range cols {
		out[i] = c
		out[i].Header = cut(c.Header, HeaderChars)
	}
	return out
}

func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for i = range s {
		if count == n-1 {
			break
		}
		count++
	}
	return s[:i] + "…"
}

// checkSink keeps the rows in error a check finds: their errors, 25 rows a request, and the
// rows themselves in a CSV (made at the first), with the problems in an extra column. The
// CSV is written to a temporary file, then stored whole in one PutObject: a run that fails
// midway leaves no object behind (and needs no multipart upload to abort).
type checkSink struct {
	ctx     context.Context
	run     *jobs.Run
	store   Store
	im      *domain.Import
	headers []string
	columns []Column
	defs    domain.Definitions
	lang    string
	pending [][]domain.ImportRowError
	last    time.Time
	tempDir string

	tmp  *os.File
	sum  hash.Hash
	file *jobs.Writer
	name string
}

// errorHeader heads the failing rows file's extra column.
var errorHeader = domain.Localized{EN: "error", FR: "erreur"}

func (s *checkSink) Failed(ch Checked, cells []string) error {
	errs := make([]domain.ImportRowError, len(ch.Errors))
	msg := ""
	for i, e := range ch.Errors {
		errs[i] = domain.ImportRowError{Row: ch.Row, Column: e.Column, Code: e.Code, Param: e.Param}
		if i > 0 {
			msg += " "
		}
		msg += Message(e, s.headers, s.lang)
	}
	s.pending = append(s.pending, errs)
	if len(s.pending) == 25 {
		if err := s.flush(); err != nil {
			return err
		}
	}
	if s.file == nil {
		if err := s.create(); err != nil {
			return err
		}
	}
	at := s.errorColumn()
	row := make([]string, max(len(s.headers), at+1))
	copy(row, cells)
	row[at] = msg
	return s.file.WriteCells(row...)
}

// errorColumn is where the problems go: the file's last column when it is already an error
// column (a file of failing rows fixed and uploaded again), else a new one after the last.
func (s *checkSink) errorColumn() int {
	if n := len(s.headers); n > 0 {
		if k := headerKey(s.headers[n-1]); k == headerKey(errorHeader.EN) || k == headerKey(errorHeader.FR) {
			return n - 1
		}
	}
	return len(s.headers)
}

func (s *checkSink) create() error {
	headers := append([]string{}, s.headers[:s.errorColumn()]...)
	headers = append(headers, errorHeader.Pick(s.lang))
	kinds := make([]domain.CellKind, len(headers))
	for _, c := range s.columns {
		if c.Target != "" && c.Index < len(kinds) {
			kinds[c.Index] = domain.KindOf(domain.ExportColumn{Key: c.Target}, s.defs)
		}
	}
	// The file's own separator, so that it opens as the person's did.
	var sep byte
	if s.im.Read != nil {
		sep = domain.Separators[s.im.Read.Separator]
	}
	dialect := domain.DialectOf(s.lang, sep, time.UTC)
	var err error
	if s.tmp, err = os.CreateTemp(s.tempDir, "import-errors-*"); err != nil {
		return err
	}
	s.sum, s.name = sha256.New(), failedName(s.im, s.lang)+".csv"
	s.file, err = jobs.NewCSVWriter(io.MultiWriter(s.tmp, s.sum), headers, kinds, dialect)
	return err
}

// keep puts the failing rows' file in the bucket, as the run's file (nil when no row failed).
func (s *checkSink) keep(client *s3.Client, bucket string) (*domain.JobFile, error) {
	if s.file == nil {
		return nil, nil
	}
	if err := s.file.Close(); err != nil {
		return nil, err
	}
	size, err := s.tmp.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = s.tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		return nil, err
	}
	key := s.run.FileKey(".csv")
	if _, err := client.PutObject(s.ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: s.tmp,
		ContentLength: aws.Int64(size), ContentType: aws.String("text/csv; charset=utf-8")}); err != nil {
		return nil, fmt.Errorf("store failing rows: %w", err)
	}
	return &domain.JobFile{Name: s.name, Bytes: size, SHA256: hex.EncodeToString(s.sum.Sum(nil)), Rows: s.file.Written(), ObjectKey: key}, nil
}

// discard removes the temporary file.
func (s *checkSink) discard() {
	if s.tmp != nil {
		_ = s.tmp.Close()
		_ = os.Remove(s.tmp.Name())
	}
}

// failedName names the failing rows' file after the import's: clients.csv → clients-errors.
func failedName(im *domain.Import, lang string) string {
	base := im.FileName
	if ext := "." + im.Format; len(base) > len(ext) && base[len(base)-len(ext):] == ext {
		base = base[:len(base)-len(ext)]
	}
	if lang == "fr" {
		return base + "-erreurs"
	}
	return base + "-errors"
}

func (s *checkSink) flush() error {
	if len(s.pending) == 0 {
		return nil
	}
	err := s.store.PutImportErrors(s.ctx, s.run.Tenant, s.im, s.pending)
	s.pending = s.pending[:0]
	return err
}

func (s *checkSink) Progress(rows int, report Report) error {
	if time.Since(s.last) < progressEvery {
		return nil
	}
	s.last = time.Now()
	return s.run.Progress(s.ctx, domain.JobProgress{Done: int64(rows), Failed: int64(report.Errors)})
}

// Phases runs an import job's phase: its check, its commit or its revert.
type Phases struct {
	Check  *Check
	Commit *Commit
	Revert *Revert
}

// Run runs the phase the job names.
func (p *Phases) Run(ctx context.Context, run *jobs.Run) error {
	phase := ""
	if run.Job.Import != nil {
		phase = run.Job.Import.Phase
	}
	switch phase {
	case domain.ImportPhaseCommit:
		return p.Commit.Run(ctx, run)
	case domain.ImportPhaseRevert:
		return p.Revert.Run(ctx, run)
	}
	return p.Check.Run(ctx, run)
}

// Ended marks the import of a job that ended without its run recording so: failed for good,
// or cancelled before a run saw the request (store.StopImport).
func (p *Phases) Ended(ctx context.Context, tenant string, job *domain.Job, log *slog.Logger) {
	status := domain.ImportFailed
	if job.Status == domain.JobCancelled {
		status = domain.ImportCancelled
	}
	if err := p.Commit.Imports.StopImport(ctx, tenant, job, status); err != nil {
		log.ErrorContext(ctx, "ended import not marked", "status", status, "error", err.Error())
	}
}

// Service writes and undoes an import's rows as the API does (package api).
type Service interface {
	Writer
	Reverter
}

// CommitParallel is the rows of a batch a commit writes at once, and the writes of a page a
// revert undoes at once.
const CommitParallel = 8

// NewWorker is the import worker: the job framework's, with the import's runs; the commit
// writes through w (package api), hands over through queue when its invocation runs out of
// time, and the requester is told by mail (nil: not).
func NewWorker(st *store.Store, w Service, queue *jobs.Queue, files *jobs.Files, mail jobs.Mailer, jobURL func(tenant string, j *domain.Job) string,
	parsePhone domain.PhoneParser, now func() time.Time, log *slog.Logger) *jobs.Worker {
	worker := jobs.NewImportWorker(st, files, now, log)
	commit := &Commit{Imports: st, Writer: w, S3: files.S3, Bucket: files.Bucket, ParsePhone: parsePhone,
		Parallel: CommitParallel, Margin: config.JobHandOver, HotUnitsPerSecond: config.HotWriteUnitsPerSecond}
	phases := &Phases{Check: &Check{Imports: st, S3: files.S3, Bucket: files.Bucket, ParsePhone: parsePhone}, Commit: commit,
		Revert: &Revert{Imports: st, Writer: w, Margin: config.JobHandOver, Parallel: CommitParallel, HotUnitsPerSecond: config.HotWriteUnitsPerSecond}}
	worker.Requeue, worker.Mail, worker.JobURL, worker.Ended = queue.SendJob, mail, jobURL, phases.Ended
	worker.Runners[domain.JobImport] = phases
	return worker
}
