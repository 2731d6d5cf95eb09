package sandbox

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/cprtestdata/cprtestdata/formats/dataset"
	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

func newKey(t *testing.T) (ssh.Signer, string) {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sg, err := ssh.NewSignerFromKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return sg, string(ssh.MarshalAuthorizedKey(sg.PublicKey()))
}

// TestSFTPRefusals: wrong credentials, paths outside the customer's directories, links, uploads,
// commands and another customer's files are refused at the protocol level, and a client may resume a
// download and delete what it fetched.
func TestSFTPRefusals(t *testing.T) {
	ctx := context.Background()
	key, line := newKey(t)
	stranger, _ := newKey(t)
	sb, err := New(ctx, Config{Generator: generator.Config{Persons: 1000}, Customers: []CustomerConfig{
		{Number: 101, SSHKeys: []string{line}},
		{Number: 851, Password: "Aalborg851"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Advance(ctx, 2); err != nil {
		t.Fatal(err)
	}
	addr, stop := startSFTP(t, sb)
	defer stop()

	for _, tt := range []struct {
		name, user string
		auth       ssh.AuthMethod
	}{
		{"key not registered", "0101", ssh.PublicKeys(stranger)},
		{"another customer's key", "851", ssh.PublicKeys(key)},
		{"wrong password", "851", ssh.Password("Aalborg852")},
		{"keys only", "101", ssh.Password("")},
		{"unknown customer", "4321", ssh.Password("Aalborg851")},
		{"not a number", "../851", ssh.Password("Aalborg851")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{User: tt.user, Auth: []ssh.AuthMethod{tt.auth}, HostKeyCallback: ssh.InsecureIgnoreHostKey()})
			if err == nil {
				c.Close()
				t.Fatal("logged on")
			}
			if !strings.Contains(err.Error(), "unable to authenticate") {
				t.Errorf("%v, want an authentication failure", err)
			}
		})
	}

	c := dialSFTP(t, addr, "0101", ssh.PublicKeys(key))
	other := dialSFTP(t, addr, "851", ssh.Password("Aalborg851"))
	mine, err := c.ReadDir("/IN")
	if err != nil || len(mine) != 4 {
		t.Fatalf("customer 101's IN after two days: %v %v, want two delta files and their .metadata", names(mine), err)
	}
	theirs, _ := other.ReadDir("IN")
	for _, e := range theirs {
		if !strings.Contains(e.Name(), DefaultAgreement(851)) {
			t.Errorf("customer 851 sees %s", e.Name())
		}
	}
	delta := mine[2].Name()
	want, _ := sb.Inbox(101)
	data := want[2].Data()
	for _, p := range []string{"/IN/../../etc/passwd", "../../../etc/passwd", "/etc/passwd", "IN/" + theirs[0].Name(), "/IN/" + delta + "/x", "/OUT/" + delta} {
		if _, err := c.Open(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("open %s: %v, want does not exist", p, err)
		}
	}
	if _, err := c.ReadDir("/etc"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("list /etc: %v", err)
	}
	if wd, err := c.Getwd(); err != nil || wd != "/" {
		t.Errorf("login directory %q %v", wd, err)
	}
	for name, op := range map[string]func() error{
		"upload":  func() error { _, err := c.Create("/OUT/big"); return err },
		"upload2": func() error { _, err := c.OpenFile("/IN/"+delta, os.O_WRONLY|os.O_TRUNC); return err },
		"symlink": func() error { return c.Symlink("/etc/passwd", "/IN/passwd") },
		"rename":  func() error { return c.Rename("/IN/"+delta, "/OUT/x") },
		"mkdir":   func() error { return c.Mkdir("/IN/x") },
		"chmod":   func() error { return c.Chmod("/IN/"+delta, 0o777) },
	} {
		if err := op(); !errors.Is(err, os.ErrPermission) {
			t.Errorf("%s: %v, want permission denied", name, err)
		}
	}
	if _, err := c.ReadLink("/IN/" + delta); err == nil {
		t.Errorf("readlink of a file answered")
	}

	// A download resumed from an offset, as clients do after a broken connection.
	f, err := c.Open("/IN/" + delta)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(int64(len(data)/2), io.SeekStart); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(f)
	f.Close()
	if err != nil || !bytes.Equal(rest, data[len(data)/2:]) {
		t.Errorf("resumed download: %d bytes, %v; want the file's last %d", len(rest), err, len(data)-len(data)/2)
	}
	if st, err := c.Stat("/IN/" + delta); err != nil || st.Size() != int64(len(data)) || !st.ModTime().Equal(want[2].Modified) {
		t.Errorf("stat: %v %v", st, err)
	}

	if err := c.Remove("/IN/" + delta); err != nil {
		t.Fatal(err)
	}
	if err := c.Remove("/IN/" + delta); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("second remove: %v", err)
	}
	after, _ := c.ReadDir("/IN")
	if slices.ContainsFunc(after, func(e os.FileInfo) bool { return e.Name() == delta }) || len(after) != 3 {
		t.Errorf("after remove: %v", names(after))
	}
	if again, _ := other.ReadDir("/IN"); len(again) != len(theirs) {
		t.Errorf("another customer's remove changed customer 851's IN: %v", names(again))
	}

	// No shell, no commands.
	sc, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{User: "851", Auth: []ssh.AuthMethod{ssh.Password("Aalborg851")}, HostKeyCallback: ssh.InsecureIgnoreHostKey()})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	sess, err := sc.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if out, err := sess.CombinedOutput("cat /etc/passwd"); err == nil || bytes.Contains(out, []byte("root:")) {
		t.Errorf("exec answered: %q %v", out, err)
	}

	entries, _ := sb.Journal()
	var sftpOps []string
	for _, e := range entries {
		if e.Protocol == "sftp" {
			sftpOps = append(sftpOps, e.Request+" "+e.Result)
		}
	}
	joined := strings.Join(sftpOps, "\n")
	for _, w := range []string{"0101 list /IN (4 entries) ok", "0101 remove /IN/" + delta + " ok", "0101 put /OUT/big permission denied", "851 logon password refused"} {
		if !strings.Contains(joined, w) {
			t.Errorf("journal lacks %q:\n%s", w, joined)
		}
	}
}

// TestDeltaFilters checks each delivery day's delta file against the filters' meaning: an agreement
// without filters gets every person the change extract carries; one with a municipality filter gets
// each changed person who lived there before the day or after it, so movers out come once more with
// the new address, movers in whole.
func TestDeltaFilters(t *testing.T) {
	ctx := context.Background()
	const all, area = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
	sb, err := New(ctx, Config{Generator: generator.Config{Persons: 6000, Seed: 3}, Customers: []CustomerConfig{
		{Number: 1, ServiceAgreements: []string{all}},
		{Number: 2, ServiceAgreements: []string{area}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	const m = 101
	call := &soapCall{customer: 2, agreement: area}
	if got := filterOp(sb, call, true, func(g *agreement) map[int]bool { return g.municipalities }, m); got != "ADDED" {
		t.Fatal(got)
	}
	movedOut, movedIn := 0, 0
	for day := 1; day <= 40; day++ {
		before := map[string]int{}
		for _, p := range sb.persons {
			if p.Address != nil {
				before[p.Number.String()] = int(p.Address.Municipality)
			}
		}
		files, err := sb.Advance(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		changed := numbersIn(t, files[0].Data())
		var want []string
		for _, n := range changed {
			after := 0
			if p, ok := sb.Person(mustParse(t, n)); ok && p.Address != nil {
				after = int(p.Address.Municipality)
			}
			switch {
			case before[n] == m && after != m:
				movedOut++
			case before[n] != m && after == m && before[n] != 0:
				movedIn++
			}
			if before[n] == m || after == m {
				want = append(want, n)
			}
		}
		in1, _ := sb.Inbox(1)
		in2, _ := sb.Inbox(2)
		if got := numbersIn(t, in1[len(in1)-2].Data()); !slices.Equal(got, changed) {
			t.Fatalf("day %d: the agreement without filters gets %d persons, the change extract carries %d", day, len(got), len(changed))
		}
		if got := numbersIn(t, in2[len(in2)-2].Data()); !slices.Equal(got, want) {
			t.Fatalf("day %d: municipality %d's delta carries %v, want %v", day, m, got, want)
		}
	}
	if movedOut == 0 || movedIn == 0 {
		t.Errorf("40 days moved %d persons out of %d and %d in: the test proves nothing", movedOut, m, movedIn)
	}
}

func mustParse(t *testing.T, s string) pnr.Number {
	t.Helper()
	n, err := pnr.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDeltaFilesMatchGenerate: an agreement without filters gets, day by day, the bytes testdata generate
// --days --framing crlf writes for the same population; an area customer's series those of generate
// --municipality (with the framing the sandbox is given).
func TestDeltaFilesMatchGenerate(t *testing.T) {
	ctx := context.Background()
	cfg := generator.Config{Persons: 3000, Seed: 1}
	sb, err := New(ctx, Config{Generator: cfg, Customers: []CustomerConfig{{Number: 1234, Password: "Test1234", Municipalities: []int{101, 147}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Advance(ctx, 5); err != nil {
		t.Fatal(err)
	}
	gen := cfg
	gen.Days = 5
	crlf, area := t.TempDir(), t.TempDir()
	if _, err := dataset.Write(ctx, crlf, dataset.Options{Generator: gen, Formats: []dataset.Format{dataset.FormatFixed},
		Extract: extract.FileOptions{WriterOptions: extract.WriterOptions{Framing: extract.CRLF}}}); err != nil {
		t.Fatal(err)
	}
	m, err := dataset.Write(ctx, area, dataset.Options{Generator: gen, Formats: []dataset.Format{dataset.FormatFixed}, Area: extract.Area{101: true, 147: true}})
	if err != nil {
		t.Fatal(err)
	}
	inbox, _ := sb.Inbox(1234)
	own, _ := sb.Deliveries(1234)
	names := []string{"D260101.L900001"}
	for _, d := range m.Days {
		names = append(names, d.File)
	}
	for i, name := range names {
		want, _ := os.ReadFile(filepath.Join(area, name))
		if got := own[i].Data(); !bytes.Equal(got, want) || len(want) == 0 {
			t.Errorf("area %s: the sandbox's customer has %d bytes, generate --municipality writes %d", name, len(got), len(want))
		}
		if i == 0 {
			continue
		}
		want, _ = os.ReadFile(filepath.Join(crlf, name))
		if got := inbox[2*(i-1)].Data(); !bytes.Equal(got, want) {
			t.Errorf("delta %s: %d bytes, generate --framing crlf writes %d", name, len(got), len(want))
		}
	}
}
