package dash

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

const kindFileUploader = "file_uploader"

// uploadMemoryLimit is the size up to which an uploaded file is kept in
// memory, while the process's MaxUploadMemory budget allows; larger files
// go to an unlinked temporary file.
const uploadMemoryLimit = 4 << 20

// maxUploadFiles bounds the files of one upload request.
const maxUploadFiles = 100

// UploadedFile is a file received by a FileUploader. Its content is read
// through ReadAt or Open. Name is the client's file name reduced to its
// last path element: show it, never use it as a path.
type UploadedFile struct {
	Name        string
	Size        int64
	ContentType string // detected from the content, not taken from the client

	data []byte   // the content, when held in memory
	file *os.File // or an unlinked temporary file holding it
	hold *uploadHold
}

// release gives back what the file holds (budget, spool file). Reading a
// released spool file fails; data in memory stays readable until garbage.
func (f *UploadedFile) release() {
	if f.hold != nil {
		f.hold.release()
	}
}

// ReadAt implements io.ReaderAt over the file's content.
func (f *UploadedFile) ReadAt(p []byte, off int64) (int, error) {
	if f.file != nil {
		return f.file.ReadAt(p, off)
	}
	return bytes.NewReader(f.data).ReadAt(p, off)
}

// Open returns a reader of the whole content; each call starts at the
// beginning.
func (f *UploadedFile) Open() io.ReadSeeker {
	return io.NewSectionReader(f, 0, f.Size)
}

// Bytes returns the whole content.
func (f *UploadedFile) Bytes() ([]byte, error) {
	if f.file == nil {
		return bytes.Clone(f.data), nil
	}
	b := make([]byte, f.Size)
	if _, err := f.file.ReadAt(b, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("reading upload %q: %w", f.Name, err)
	}
	return b, nil
}

// uploadOption carries FileUploader-only settings through the
// WidgetOption list; other widgets ignore it.
type uploadOption func(*uploadConfig)

func (uploadOption) applyWidget(*widgetConfig) {}

type uploadConfig struct {
	multiple   bool
	extensions []string // lower case, with the dot
	types      []string // content type prefixes
}

// AcceptExtensions limits a FileUploader to files whose names end in one
// of exts (".csv", "png"; case-insensitive). Other widgets ignore it.
func AcceptExtensions(exts ...string) WidgetOption {
	return uploadOption(func(c *uploadConfig) {
		for _, e := range exts {
			e = strings.ToLower(strings.TrimSpace(e))
			if e != "" && !strings.HasPrefix(e, ".") {
				e = "." + e
			}
			if e != "" {
				c.extensions = append(c.extensions, e)
			}
		}
	})
}

// AcceptContentTypes limits a FileUploader to files whose content, as
// sniffed by http.DetectContentType, has one of the given types or type
// prefixes ("image/", "text/csv", "application/pdf"). The client's claim
// is ignored. Other widgets ignore it.
func AcceptContentTypes(types ...string) WidgetOption {
	return uploadOption(func(c *uploadConfig) { c.types = append(c.types, types...) })
}

// AcceptMultiple lets a FileUploader take several files at once. Other
// widgets ignore it.
func AcceptMultiple() WidgetOption {
	return uploadOption(func(c *uploadConfig) { c.multiple = true })
}

// FileUploader lets the user upload a file (several with AcceptMultiple)
// and returns the files uploaded so far, nil before any. The size of an
// upload is bounded by the server's MaxUploadSize (default 200 MiB); a
// larger one is refused while it streams in and the widget shows why.
// Files are held in memory up to 4 MiB while the process's upload memory
// budget (MaxUploadMemory) allows, otherwise in unlinked temporary files
// that no path refers to. They are released when the session ends or, once
// the session no longer holds them, when they are garbage.
func (ui *UI) FileUploader(label string, opts ...WidgetOption) []*UploadedFile {
	var uc uploadConfig
	for _, o := range opts {
		if u, ok := o.(uploadOption); ok {
			u(&uc)
		}
	}
	files := widget(ui, widgetSpec[[]*UploadedFile]{
		kind: kindFileUploader, label: label, cfg: widgetOptions(opts),
		// The client can only clear the widget with a set; files arrive
		// through the upload endpoint.
		decode: func(raw json.RawMessage) ([]*UploadedFile, error) {
			var v []json.RawMessage
			if err := json.Unmarshal(raw, &v); err != nil || len(v) != 0 {
				return nil, errors.New("a file uploader can only be cleared (set to []); upload files with POST " + pathUpload)
			}
			return nil, nil
		},
		props: func() map[string]any {
			return map[string]any{"multiple": uc.multiple, "accept": uc.extensions}
		},
		wire: func(fs []*UploadedFile) any {
			out := make([]map[string]any, len(fs))
			for i, f := range fs {
				out[i] = map[string]any{"name": f.Name, "size": f.Size, "type": f.ContentType}
			}
			return out
		},
		upload: func(r *http.Request) ([]*UploadedFile, error) { return readUpload(r, uc) },
	})
	return slices.Clone(files)
}

// errUploadRejected marks a file refused by the widget's rules.
var errUploadRejected = errors.New("upload rejected")

// readUpload reads a multipart/form-data body with the files in parts
// named "file", streaming: nothing beyond the body's limit (the server
// wraps it in http.MaxBytesReader) is read, and nothing is written to
// disk under a name the client chose.
func readUpload(r *http.Request, uc uploadConfig) ([]*UploadedFile, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, fmt.Errorf("%w: want a multipart/form-data body", errUploadRejected)
	}
	env := uploadEnvFrom(r.Context())
	mr := multipart.NewReader(r.Body, params["boundary"])
	var files []*UploadedFile
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			closeFiles(files)
			return nil, fmt.Errorf("reading the upload: %w", err)
		}
		if p.FormName() != "file" {
			p.Close()
			continue
		}
		if limit := uploadFileLimit(uc); len(files) == limit {
			closeFiles(files)
			return nil, fmt.Errorf("%w: too many files (this uploader takes %s)", errUploadRejected, describeCount(limit))
		}
		f, err := readPart(p, uc, env)
		p.Close()
		if err != nil {
			closeFiles(files)
			return nil, err
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: no file in the upload", errUploadRejected)
	}
	return files, nil
}

// uploadFileLimit is how many files one upload may carry.
func uploadFileLimit(uc uploadConfig) int {
	if uc.multiple {
		return maxUploadFiles
	}
	return 1
}

func describeCount(n int) string {
	if n == 1 {
		return "one"
	}
	return fmt.Sprintf("at most %d", n)
}

func readPart(p *multipart.Part, uc uploadConfig, env *uploadEnv) (*UploadedFile, error) {
	name := uploadName(p.FileName())
	if len(uc.extensions) > 0 && !slices.Contains(uc.extensions, strings.ToLower(filepath.Ext(name))) {
		return nil, fmt.Errorf("%w: %q is not a %s file", errUploadRejected, name, strings.Join(uc.extensions, ", "))
	}
	// Read up to the memory limit plus one byte to learn whether the file
	// fits in memory, if the budget has room for that much; otherwise
	// only enough to sniff the content type, and spool.
	headMax := int64(uploadMemoryLimit + 1)
	reserved := env.reserve(headMax)
	if !reserved {
		headMax = sniffLen
	}
	head, err := io.ReadAll(io.LimitReader(p, headMax))
	if err != nil {
		if reserved {
			uploadMemory.Add(-headMax)
		}
		return nil, fmt.Errorf("reading %q: %w", name, err)
	}
	ct := http.DetectContentType(head)
	if len(uc.types) > 0 && !slices.ContainsFunc(uc.types, func(t string) bool { return strings.HasPrefix(ct, t) }) {
		if reserved {
			uploadMemory.Add(-headMax)
		}
		return nil, fmt.Errorf("%w: %q has content %s, not %s", errUploadRejected, name, ct, strings.Join(uc.types, ", "))
	}
	f := &UploadedFile{Name: name, ContentType: ct}
	if int64(len(head)) < headMax {
		// The whole file is read: keep it in memory, at its exact size
		// (ReadAll's buffer can be twice as large). A file shorter than
		// sniffLen stays in memory even beyond the budget: an open spool
		// file per tiny file would cost more.
		f.data, f.Size = bytes.Clone(head), int64(len(head))
		mem := int64(len(f.data))
		if reserved {
			uploadMemory.Add(mem - headMax) // keep only what the file holds
		} else {
			uploadMemory.Add(mem) // a small file read within the sniff length
		}
		f.hold = &uploadHold{mem: mem, size: f.Size}
		runtime.AddCleanup(f, (*uploadHold).release, f.hold)
		return f, nil
	}
	tmp, err := spoolFile()
	disk := &diskWriter{w: tmp, limit: env.diskLimit}
	if err == nil {
		f.Size, err = io.Copy(disk, io.MultiReader(bytes.NewReader(head), p))
	}
	if reserved {
		uploadMemory.Add(-headMax)
	}
	if err != nil {
		uploadDisk.Add(-disk.n)
		if tmp != nil {
			tmp.Close()
		}
		return nil, fmt.Errorf("reading %q: %w", name, err)
	}
	f.file = tmp
	f.hold = &uploadHold{file: tmp, size: f.Size, disk: disk.n}
	runtime.AddCleanup(f, (*uploadHold).release, f.hold)
	return f, nil
}

// sniffLen is what http.DetectContentType looks at.
const sniffLen = 512

// uploadName reduces the client's file name to something to show: its last
// path element (Windows clients may send a full path), never "", "." or
// "..". It is never used to build a path.
func uploadName(client string) string {
	name := filepath.Base(strings.ReplaceAll(client, `\`, "/"))
	switch name {
	case ".", "..", "/", "":
		return "upload"
	}
	return name
}

// closeFiles releases the files of an upload that failed: the app never
// saw them.
func closeFiles(fs []*UploadedFile) {
	for _, f := range fs {
		f.release()
	}
}

// spoolFile creates a temporary file in a private directory (mode 0700)
// and unlinks both at once: the open file is the only reference to the
// content, so nothing is left behind on disk whatever happens to the
// process (not even an empty directory), and no other process can open
// it by name.
func spoolFile() (*os.File, error) {
	dir, err := os.MkdirTemp("", "dash-uploads-")
	if err != nil {
		return nil, fmt.Errorf("creating the upload directory: %w", err)
	}
	defer os.Remove(dir)
	f, err := os.CreateTemp(dir, "upload-")
	if err != nil {
		return nil, fmt.Errorf("creating an upload spool file: %w", err)
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, fmt.Errorf("unlinking the upload spool file: %w", err)
	}
	return f, nil
}
